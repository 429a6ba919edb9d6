#!/usr/bin/env python3
"""The workbook's protocol in PyTorch, as the peer for the TorchSharp benchmark.

Same models (RNN/LSTM/GRU(64) -> BatchNorm1d(eps 1e-3, momentum 0.01) -> Linear(10)), the same
Keras-equivalent initialisation (xavier-uniform input kernels, orthogonal recurrent kernels, zero
biases, a frozen zero second bias for RNN/LSTM, forget-gate bias 1), plain SGD with learning rate
0.01 on the trainable parameters, batches of 64 in a freshly shuffled order every epoch, time-major
input. Prints one JSON line per epoch.

Usage: pytorch_rnn.py --data data/mnist --model lstm --epochs 2 --threads 2 [--seed 1]
"""
import argparse
import json
import struct
import time

import numpy as np
import torch
from torch import nn


def read_idx(path, magic):
    with open(path, "rb") as f:
        raw = f.read()
    (got,) = struct.unpack(">i", raw[:4])
    if got != magic:
        raise SystemExit(f"{path}: magic {got}, expected {magic}")
    rank = magic & 0xFF
    dims = struct.unpack(">" + "i" * rank, raw[4:4 + 4 * rank])
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * rank)
    if data.size != int(np.prod(dims)):
        raise SystemExit(f"{path}: payload {data.size} bytes, header says {int(np.prod(dims))}")
    return data.reshape(dims)


class Classifier(nn.Module):
    def __init__(self, kind, hidden=64, features=28):
        super().__init__()
        self.kind = kind
        layer = {"simple-rnn": lambda: nn.RNN(features, hidden), "lstm": lambda: nn.LSTM(features, hidden), "gru": lambda: nn.GRU(features, hidden)}[kind]
        self.rnn = layer()
        self.bn = nn.BatchNorm1d(hidden, eps=1e-3, momentum=0.01)
        self.dense = nn.Linear(hidden, 10)
        with torch.no_grad():
            nn.init.xavier_uniform_(self.rnn.weight_ih_l0)
            nn.init.orthogonal_(self.rnn.weight_hh_l0)
            self.rnn.bias_ih_l0.zero_()
            self.rnn.bias_hh_l0.zero_()
            if kind != "gru":
                self.rnn.bias_hh_l0.requires_grad_(False)
            if kind == "lstm":
                self.rnn.bias_ih_l0[hidden:2 * hidden].fill_(1.0)
            nn.init.xavier_uniform_(self.dense.weight)
            self.dense.bias.zero_()

    def forward(self, x):  # x: [batch, time, features]
        out, _ = self.rnn(x.transpose(0, 1).contiguous())
        return self.dense(self.bn(out[-1]))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", default="data/mnist")
    p.add_argument("--model", required=True, choices=["simple-rnn", "lstm", "gru"])
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)

    x_train = torch.from_numpy(read_idx(f"{a.data}/train-images-idx3-ubyte", 2051).astype(np.float32) / 255.0)
    y_train = torch.from_numpy(read_idx(f"{a.data}/train-labels-idx1-ubyte", 2049).astype(np.int64))
    x_test = torch.from_numpy(read_idx(f"{a.data}/t10k-images-idx3-ubyte", 2051).astype(np.float32) / 255.0)
    y_test = torch.from_numpy(read_idx(f"{a.data}/t10k-labels-idx1-ubyte", 2049).astype(np.int64))

    torch.manual_seed(a.seed)
    model = Classifier(a.model)
    opt = torch.optim.SGD([q for q in model.parameters() if q.requires_grad], lr=0.01)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(1, a.epochs + 1):
        g = torch.Generator().manual_seed(a.seed * 1000003 + epoch)
        order = torch.randperm(x_train.shape[0], generator=g)
        model.train()
        start = time.perf_counter()
        for i in range(0, x_train.shape[0], 64):
            idx = order[i:i + 64]
            opt.zero_grad()
            loss = loss_fn(model(x_train[idx]), y_train[idx])
            loss.backward()
            opt.step()
        seconds = time.perf_counter() - start
        model.eval()
        with torch.no_grad():
            correct = sum((model(x_test[i:i + 2000]).argmax(1) == y_test[i:i + 2000]).sum().item() for i in range(0, x_test.shape[0], 2000))
        print(json.dumps({"model": a.model, "epoch": epoch, "seconds": seconds, "test_accuracy": correct / x_test.shape[0],
                          "torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)


if __name__ == "__main__":
    main()
