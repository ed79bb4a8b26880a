"""Writes a PyTorch model's state_dict as safetensors, for `importSafetensors` of @descent/nn.

usage: python3 torch_model_to_safetensors.py OUT_DIR

Builds a small CNN in torch.nn (seed 0), runs a few training-mode passes so BatchNorm's running
statistics are not their defaults, and writes into OUT_DIR:
  state_dict.safetensors  the module's state_dict (num_batches_tracked included, as torch saves it)
  reference.safetensors   `inputs` (NHWC, as descent takes images) and the module's eval-mode `outputs`
The equivalent descent model, and the call that imports the file, are in docs/interop.md.
"""

import os
import sys

import torch
from torch import nn

from safetensors_io import save_file


def torch_model():
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1),   # conv2d(1, 4, 3, { padding: "same" })
        nn.BatchNorm2d(4),               # batchNorm(4)
        nn.ReLU(),                       # "relu"
        nn.MaxPool2d(2),                 # maxPool2d(2)
        nn.Flatten(),                    # flatten()
        nn.Linear(4 * 3 * 3, 10),        # dense(36, 10)
        nn.Tanh(),                       # "tanh"
        nn.BatchNorm1d(10),              # batchNorm(10)
        nn.Linear(10, 3),                # dense(10, 3)
    )


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(0)
    model = torch_model()
    model.train()
    with torch.no_grad():
        for _ in range(3):
            model(torch.randn(16, 1, 6, 6) * 2 + 0.5)
    model.eval()
    inputs = torch.randn(5, 1, 6, 6)
    with torch.no_grad():
        outputs = model(inputs)
    save_file(model.state_dict(), os.path.join(out_dir, "state_dict.safetensors"))
    save_file({"inputs": inputs.permute(0, 2, 3, 1), "outputs": outputs}, os.path.join(out_dir, "reference.safetensors"))
    print(model)
    print(f"wrote {out_dir}/state_dict.safetensors and {out_dir}/reference.safetensors")


if __name__ == "__main__":
    main()
