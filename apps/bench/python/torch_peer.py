"""PyTorch (CPU, eager) as a peer of descent-bench's `peers` experiment.

Started by apps/bench/src/experiments/peers/torch.ts as `python3 torch_peer.py <directory>`. The directory holds
`spec.json` and raw little-endian float32 / int32 files: the data, descent's initial weights (in descent's layouts),
and each epoch's order of training rows. The script builds the same model as descent from those weights, prints one
JSON line describing torch, then answers one JSON request per stdin line with one JSON line on stdout, so that the
Node side can make it take turns, epoch by epoch, with the libraries running in its own process.

Requests: {"op": "restart"}, {"op": "epoch", "order": "<file>"}, {"op": "accuracy"}, {"op": "weights"},
{"op": "gemm", "size": n, "runs": k, "budget": s}, {"op": "add", "shape": [...], "budget": s}, {"op": "exit"}.
Answers carry the measured values, or {"error": "..."}.
"""

import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F


def read(directory, entry):
    """A tensor from a raw file described as {"file", "dtype": "float32" | "int32", "shape"}."""
    dtype = np.float32 if entry["dtype"] == "float32" else np.int32
    array = np.fromfile(os.path.join(directory, entry["file"]), dtype=np.dtype(dtype).newbyteorder("<"))
    return torch.from_numpy(array.reshape(entry["shape"]).astype(dtype))


def blas_libraries():
    """The BLAS shared libraries this process has loaded (what BLAS_INFO=generic resolves to at run time)."""
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            paths = {line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line}
        return sorted(os.path.realpath(path) for path in paths)
    except OSError:
        return []


def config_value(name):
    """One `NAME=value` setting of torch.__config__.show()."""
    for part in torch.__config__.show().replace("\n", ",").split(","):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


def to_torch_layout(kind, weights, flatten_hwc):
    """descent's layout → torch's: dense [in, out] → [out, in]; conv [kh, kw, in, out] → [out, in, kh, kw].

    The first dense layer after a flatten of an NHWC [h, w, c] map reads rows in (h, w, c) order; torch flattens
    NCHW in (c, h, w) order, so its columns are permuted to match (instead of permuting activations).
    """
    if kind == "conv":
        return weights.permute(3, 2, 0, 1).contiguous()
    if flatten_hwc is not None:
        h, w, c = flatten_hwc
        out = weights.shape[1]
        return weights.reshape(h, w, c, out).permute(3, 2, 0, 1).reshape(out, c * h * w).contiguous()
    return weights.t().contiguous()


def to_descent_layout(kind, weights, flatten_hwc):
    """The inverse of to_torch_layout."""
    if kind == "conv":
        return weights.permute(2, 3, 1, 0).contiguous()
    if flatten_hwc is not None:
        h, w, c = flatten_hwc
        out = weights.shape[0]
        return weights.reshape(out, c, h, w).permute(2, 3, 1, 0).reshape(h * w * c, out).contiguous()
    return weights.t().contiguous()


class Peer:
    def __init__(self, directory):
        self.directory = directory
        with open(os.path.join(directory, "spec.json"), encoding="utf-8") as file:
            self.spec = json.load(file)
        spec = self.spec
        torch.set_num_threads(int(spec["threads"]))
        torch.manual_seed(0)
        self.workload = spec["workload"]
        self.batch_size = int(spec["batchSize"])
        self.train_x = self.inputs(read(directory, spec["trainInputs"]))
        self.train_y = read(directory, spec["trainTargets"]).long()
        self.test_x = self.inputs(read(directory, spec["testInputs"]))
        self.test_y = read(directory, spec["testTargets"]).long()
        self.layers = spec["layers"]
        self.initial = [
            (
                to_torch_layout(layer["kind"], read(directory, layer["weights"]), layer.get("flattenHwc")),
                read(directory, layer["bias"]),
            )
            for layer in self.layers
        ]
        self.restart()

    def inputs(self, x):
        """NHWC images → NCHW (torch's layout, once, untimed); MLP rows stay as they are."""
        return x.permute(0, 3, 1, 2).contiguous() if self.workload == "cnn" else x

    def restart(self):
        self.params = []
        for weights, bias in self.initial:
            self.params.append(weights.clone().requires_grad_(True))
            self.params.append(bias.clone().requires_grad_(True))
        optimizer = self.spec["optimizer"]
        if optimizer["name"] == "sgd":
            self.optimizer = torch.optim.SGD(self.params, lr=optimizer["learningRate"])
        else:
            self.optimizer = torch.optim.Adam(self.params, lr=optimizer["learningRate"])

    def forward(self, x):
        p = self.params
        if self.workload == "mlp":
            hidden = F.relu(F.linear(x, p[0], p[1]))
            return F.linear(hidden, p[2], p[3])
        x = F.max_pool2d(F.relu(F.conv2d(x, p[0], p[1])), 2)
        x = F.max_pool2d(F.relu(F.conv2d(x, p[2], p[3])), 2)
        x = F.relu(F.linear(torch.flatten(x, 1), p[4], p[5]))
        return F.linear(x, p[6], p[7])

    def epoch(self, order_file):
        order = read(self.directory, {"file": order_file, "dtype": "int32", "shape": [-1]}).long()
        started = time.perf_counter()
        x = self.train_x[order]
        y = self.train_y[order]
        loss = None
        for start in range(0, len(order), self.batch_size):
            self.optimizer.zero_grad(set_to_none=True)
            loss = F.cross_entropy(self.forward(x[start : start + self.batch_size]), y[start : start + self.batch_size])
            loss.backward()
            self.optimizer.step()
        seconds = time.perf_counter() - started
        return {"seconds": seconds, "loss": float(loss) if loss is not None else None}

    def accuracy(self):
        with torch.no_grad():
            correct = 0
            for start in range(0, len(self.test_y), 256):
                predicted = self.forward(self.test_x[start : start + 256]).argmax(1)
                correct += int((predicted == self.test_y[start : start + 256]).sum())
        return {"accuracy": correct / len(self.test_y)}

    def weights(self):
        """Writes the current weights in descent's layouts to weights-<i>.f32 / bias-<i>.f32."""
        files = []
        for index, layer in enumerate(self.layers):
            weights = to_descent_layout(layer["kind"], self.params[2 * index].detach(), layer.get("flattenHwc"))
            bias = self.params[2 * index + 1].detach()
            names = (f"out-weights-{index}.f32", f"out-bias-{index}.f32")
            weights.numpy().astype("<f4").tofile(os.path.join(self.directory, names[0]))
            bias.numpy().astype("<f4").tofile(os.path.join(self.directory, names[1]))
            files.append({"weights": names[0], "bias": names[1]})
        return {"files": files}

    @staticmethod
    def gemm(size, runs, budget):
        """GFLOP/s of a size×size product (median of the timed runs after a warm-up run)."""
        generator = torch.Generator().manual_seed(size)
        a = torch.rand(size, size, generator=generator)
        b = torch.rand(size, size, generator=generator)
        torch.mm(a, b)
        seconds = []
        spent = 0.0
        while len(seconds) < max(2, runs) and (len(seconds) < 2 or spent < budget):
            started = time.perf_counter()
            torch.mm(a, b)
            seconds.append(time.perf_counter() - started)
            spent += seconds[-1]
        return {"gflops": 2 * size**3 / float(np.median(seconds)) / 1e9}

    @staticmethod
    def add(shape, budget):
        """Microseconds per a + b (batches of calls until the budget is spent; median per call)."""
        generator = torch.Generator().manual_seed(len(shape))
        a = torch.rand(*shape, generator=generator)
        b = torch.rand(*shape, generator=generator)
        calls = 1
        while True:
            started = time.perf_counter()
            for _ in range(calls):
                a + b
            if time.perf_counter() - started > 0.002:
                break
            calls *= 2
        per_call = []
        spent = 0.0
        while spent < budget or len(per_call) < 3:
            started = time.perf_counter()
            for _ in range(calls):
                a + b
            elapsed = time.perf_counter() - started
            per_call.append(elapsed / calls)
            spent += elapsed
        return {"microseconds": float(np.median(per_call)) * 1e6}


def blas_label(paths):
    """The BLAS that computes: OpenBLAS's own library when loaded (behind libblas.so.3), else libblas's path."""
    names = [os.path.basename(path) for path in paths]
    openblas = [name for name in names if name.startswith("libopenblas")]
    if openblas:
        return openblas[0] + (" (pthread)" if any("openblas-pthread" in path for path in paths) else "")
    blas = [path for path in paths if "lapack" not in os.path.basename(path)]
    return "/".join(blas[0].split("/")[-2:]) if blas else None


def describe(peer):
    blas = blas_libraries()
    return {
        "blas": blas_label(blas),
        "ready": True,
        "torch": torch.__version__,
        "blasInfo": config_value("BLAS_INFO"),
        "blasLibraries": blas,
        "mkldnn": bool(torch.backends.mkldnn.is_available()) and config_value("USE_MKLDNN") == "ON",
        "threads": torch.get_num_threads(),
    }


def answer(peer, request):
    op = request.get("op")
    if op == "restart":
        peer.restart()
        return {"ok": True}
    if op == "epoch":
        return peer.epoch(request["order"])
    if op == "accuracy":
        return peer.accuracy()
    if op == "weights":
        return peer.weights()
    if op == "gemm":
        return peer.gemm(int(request["size"]), int(request["runs"]), float(request["budget"]))
    if op == "add":
        return peer.add([int(size) for size in request["shape"]], float(request["budget"]))
    return {"error": f"unknown op {op!r}"}


def main():
    peer = Peer(sys.argv[1])
    print(json.dumps(describe(peer)), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        if request.get("op") == "exit":
            break
        try:
            reply = answer(peer, request)
        except Exception as error:  # reported to the Node side, which says why the row has no value
            reply = {"error": f"{type(error).__name__}: {error}"}
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
