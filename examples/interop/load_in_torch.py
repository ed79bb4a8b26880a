"""Loads a descent model folder into an equivalent torch.nn module and checks its outputs.

usage: python3 load_in_torch.py MODEL_DIR [--reference FILE] [--tolerance 1e-5] [--save-state-dict FILE]

MODEL_DIR is a folder written by `saveModel` of @descent/nn/node: `manifest.json` (the architecture, and
the weights file's name under `weights.file`) and `model.<n>.safetensors` (parameters under their
descent paths, `dense_1.weights`; batch-norm running statistics under `@state.`). The script builds a
`torch.nn.Sequential` that computes what the descent model computes, with PyTorch's layouts:

  dense     weights [in, out]        -> Linear.weight [out, in]         (transposed)
  conv2d    weights [kh, kw, in, out] -> Conv2d.weight [out, in, kh, kw] (NHWC -> NCHW)
  batchNorm gamma, beta, @state runningMean, runningVariance
            -> BatchNorm weight, bias, running_mean, running_var
  flatten   descent flattens NHWC images as [H, W, C], PyTorch NCHW as [C, H, W]: the next Linear's
            columns (and a BatchNorm1d's features) are reordered.

The torch module takes NCHW images; the reference file (`reference.safetensors` next to the model by
default: `inputs` as descent saw them, NHWC, and descent's `outputs`) is compared after converting the
inputs. Prints the largest difference; exits 1 when it exceeds the tolerance. `--save-state-dict` writes
the module's state_dict as safetensors (what `importSafetensors` reads back).
"""

import argparse
import json
import math
import os
import sys

import torch
from torch import nn

from safetensors_io import load_file, save_file


class ChannelsLast(nn.Module):
    """Applies `module` over the channels of NCHW images (descent's layerNorm of NHWC images)."""

    def __init__(self, module):
        super().__init__()
        self.module = module

    def forward(self, x):
        return self.module(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)


def activation_module(spec, images):
    """The torch.nn module of a descent activation config `{ name, options }`."""
    name, options = spec["name"], spec.get("options", {})
    simple = {
        "relu": nn.ReLU, "selu": nn.SELU, "silu": nn.SiLU, "swish": nn.SiLU, "mish": nn.Mish,
        "sigmoid": nn.Sigmoid, "hardSigmoid": nn.Hardsigmoid, "tanh": nn.Tanh, "relu6": nn.ReLU6,
        "softsign": nn.Softsign, "linear": nn.Identity, "logSigmoid": nn.LogSigmoid,
    }
    if name in simple:
        return simple[name]()
    if name == "leakyRelu":
        return nn.LeakyReLU(options.get("alpha", 0.01))
    if name == "elu":
        return nn.ELU(options.get("alpha", 1.0))
    if name == "celu":
        return nn.CELU(options.get("alpha", 1.0))
    if name == "gelu":
        return nn.GELU(approximate=options.get("approximate", "none"))
    if name == "hardTanh":
        return nn.Hardtanh(options.get("min", -1.0), options.get("max", 1.0))
    if name == "softplus":
        return nn.Softplus(options.get("beta", 1.0), options.get("threshold", 20.0))
    if name in ("softmax", "logSoftmax"):
        axis = options.get("axis", -1)
        dim = (1 if axis in (-1, 3) else axis) if images else axis  # NHWC channels are NCHW's axis 1
        return nn.Softmax(dim=dim) if name == "softmax" else nn.LogSoftmax(dim=dim)
    raise SystemExit(f"activation {name!r} has no torch.nn counterpart in this script")


def same_padding(size, kernel, stride):
    """descent's (and TensorFlow's) "same" padding along one axis: (before, after), the smaller half first."""
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def window_output(size, kernel, stride, padding):
    return math.ceil(size / stride) if padding == "same" else (size - kernel) // stride + 1


def reorder_flattened(vector, flattened):
    """Features flattened from NHWC ([S, C]) in PyTorch's NCHW order ([C, S])."""
    if flattened is None:
        return vector
    channels, spatial = flattened
    return vector.reshape(spatial, channels).t().reshape(-1)


def build(architecture, tensors, input_shape):
    """The torch.nn.Sequential equivalent to a descent `sequential` config, its weights copied in."""
    if architecture is None or architecture.get("type") != "sequential":
        raise SystemExit("the manifest's architecture must be a descent sequential model")
    counters = {}
    modules = []
    shape = list(input_shape)  # per-sample, descent's layout (NHWC for images)
    flattened = None  # (channels, spatial) after a flatten of images, until a Linear consumes it
    for layer in architecture["layers"]:
        kind = layer["type"]
        counters[kind] = counters.get(kind, 0) + 1
        name = layer.get("name") or f"{kind}_{counters[kind]}"
        get = lambda key: tensors[f"{name}.{key}"]  # noqa: E731
        state = lambda key: tensors[f"@state.{name}.{key}"]  # noqa: E731
        images = len(shape) == 3
        if kind == "dense":
            if images:
                raise SystemExit(f"layer {name}: dense on images (per-sample {shape}) has no NCHW counterpart here: flatten first")
            weights = get("weights")  # [in, out]
            inputs, out = weights.shape
            linear = nn.Linear(inputs, out, bias=layer.get("useBias", True))
            weight = weights.t()  # [out, in], columns in descent's order
            if flattened is not None:
                channels, spatial = flattened
                weight = weight.reshape(out, spatial, channels).permute(0, 2, 1).reshape(out, inputs)
            linear.weight.data.copy_(weight)
            if linear.bias is not None:
                linear.bias.data.copy_(get("bias"))
            modules.append(linear)
            if layer.get("activation") == "relu":
                modules.append(nn.ReLU())
            flattened = None
            shape = shape[:-1] + [out]
        elif kind == "conv2d":
            (kh, kw), (sh, sw), padding = layer["kernelSize"], layer["strides"], layer["padding"]
            if padding == "same":
                top, bottom = same_padding(shape[0], kh, sh)
                left, right = same_padding(shape[1], kw, sw)
                if top + bottom + left + right > 0:
                    modules.append(nn.ZeroPad2d((left, right, top, bottom)))
            conv = nn.Conv2d(layer["inChannels"], layer["outChannels"], (kh, kw), (sh, sw), bias=layer.get("useBias", True))
            conv.weight.data.copy_(get("weights").permute(3, 2, 0, 1))  # [kh, kw, in, out] -> [out, in, kh, kw]
            if conv.bias is not None:
                conv.bias.data.copy_(get("bias"))
            modules.append(conv)
            shape = [window_output(shape[0], kh, sh, padding), window_output(shape[1], kw, sw, padding), layer["outChannels"]]
        elif kind == "maxPool2d":
            (ph, pw), (sh, sw), padding = layer["poolSize"], layer["strides"], layer["padding"]
            if padding == "same":
                top, bottom = same_padding(shape[0], ph, sh)
                left, right = same_padding(shape[1], pw, sw)
                if top + bottom + left + right > 0:  # padding never wins the max
                    modules.append(nn.ConstantPad2d((left, right, top, bottom), -math.inf))
            modules.append(nn.MaxPool2d((ph, pw), (sh, sw)))
            shape = [window_output(shape[0], ph, sh, padding), window_output(shape[1], pw, sw, padding), shape[2]]
        elif kind == "batchNorm":
            features = layer["features"]
            norm = (nn.BatchNorm2d if images else nn.BatchNorm1d)(features, eps=layer["epsilon"], momentum=layer["momentum"])
            norm.weight.data.copy_(reorder_flattened(get("gamma"), flattened))
            norm.bias.data.copy_(reorder_flattened(get("beta"), flattened))
            norm.running_mean.copy_(reorder_flattened(state("runningMean"), flattened))
            norm.running_var.copy_(reorder_flattened(state("runningVariance"), flattened))
            modules.append(norm)
        elif kind == "layerNorm":
            norm = nn.LayerNorm(layer["features"], eps=layer["epsilon"])
            norm.weight.data.copy_(reorder_flattened(get("gamma"), flattened))
            norm.bias.data.copy_(reorder_flattened(get("beta"), flattened))
            modules.append(ChannelsLast(norm) if images else norm)
        elif kind == "flatten":
            if images and shape[2] > 1 and shape[0] * shape[1] > 1:
                flattened = (shape[2], shape[0] * shape[1])
            modules.append(nn.Flatten())
            shape = [math.prod(shape)]
        elif kind == "dropout":
            modules.append(nn.Dropout(layer["rate"]))
        elif kind == "activation":
            modules.append(activation_module(layer["activation"], images))
        elif kind == "softmax":
            modules.append(nn.Softmax(dim=1 if images else -1))
        else:
            raise SystemExit(f"layer {name}: type {kind!r} has no torch.nn counterpart in this script")
    return nn.Sequential(*modules)


def to_channels_first(x):
    return x.permute(0, 3, 1, 2) if x.dim() == 4 else x


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model_dir")
    parser.add_argument("--reference", help="safetensors with `inputs` and `outputs` (default MODEL_DIR/reference.safetensors)")
    parser.add_argument("--tolerance", type=float, default=1e-5)
    parser.add_argument("--save-state-dict", help="write the torch module's state_dict here (safetensors)")
    args = parser.parse_args()

    with open(os.path.join(args.model_dir, "manifest.json")) as file:
        manifest = json.load(file)
    if manifest.get("format") != "descent-model":
        raise SystemExit(f"{args.model_dir}/manifest.json is not a descent model manifest")
    tensors, _ = load_file(os.path.join(args.model_dir, manifest["weights"]["file"]))
    reference, _ = load_file(args.reference or os.path.join(args.model_dir, "reference.safetensors"))
    inputs, expected = reference["inputs"], reference["outputs"]

    torch.set_default_dtype(inputs.dtype)
    module = build(manifest["architecture"], tensors, list(inputs.shape[1:])).to(inputs.dtype).eval()
    with torch.no_grad():
        outputs = module(to_channels_first(inputs))
    if outputs.dim() == 4:
        outputs = outputs.permute(0, 2, 3, 1)  # back to descent's NHWC
    difference = (outputs - expected).abs().max().item()
    print(module)
    print(f"outputs {list(outputs.shape)}: largest difference from descent {difference:.3g} (tolerance {args.tolerance:g})")
    if args.save_state_dict:
        save_file(module.state_dict(), args.save_state_dict)
        print(f"state_dict written to {args.save_state_dict}")
    if not difference <= args.tolerance:
        sys.exit(1)


if __name__ == "__main__":
    main()
