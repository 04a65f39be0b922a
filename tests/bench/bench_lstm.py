"""bench_lstm.py - PyTorch's side of tests/bench/bench_lstm.sh: the same data set (written by
bench_lstm export), the same networks, batch, optimiser, clipping, loss and epochs as
bench_lstm train, printing the same lines.

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench_lstm.py DATA.bin MODEL EPOCHS THREADS SEED

Model a: LSTM(64) -> LSTM(32) -> Linear(1) on the last step, batch 32.  Model b: causal
Conv1d(5 features, 32 filters, kernel 5, left padding 4) -> ReLU -> LSTM(64, 2 layers) ->
Linear(1), batch 64.  Weights as craipto's: PyTorch's default ranges, LSTM biases 0 except the
forget gate's, 1.  PyTorch at its best: time-major tensors (nn.LSTM's native layout), every
window materialised once before timing (a batch is one index_select), torch.set_num_threads
as given and OpenBLAS single-threaded (its threads and OpenMP's fight otherwise).
"""
import struct
import sys
import time

import numpy as np
import torch


def load(path):
    raw = open(path, "rb").read()
    assert raw[:8] == b"CRALSTMB", "not a bench_lstm data file"
    n, nf, window, ntrain, nvalid = struct.unpack("<5I", raw[8:28])
    off = 28
    x = np.frombuffer(raw, "<f4", n * nf, off).reshape(n, nf)
    off += 4 * n * nf
    y = np.frombuffer(raw, "<f4", n, off)
    off += 4 * n
    rows = np.frombuffer(raw, "<u4", ntrain + nvalid, off).astype(np.int64)
    return x, y, window, rows[:ntrain], rows[ntrain:]


class ModelA(torch.nn.Module):
    def __init__(self, nf):
        super().__init__()
        self.l1 = torch.nn.LSTM(nf, 64)
        self.l2 = torch.nn.LSTM(64, 32)
        self.head = torch.nn.Linear(32, 1)

    def forward(self, x):  # x [T, B, I]
        h, _ = self.l1(x)
        h, _ = self.l2(h)
        return self.head(h[-1])


class ModelB(torch.nn.Module):
    def __init__(self, nf):
        super().__init__()
        self.conv = torch.nn.Conv1d(nf, 32, 5)
        self.lstm = torch.nn.LSTM(32, 64, num_layers=2)
        self.head = torch.nn.Linear(64, 1)

    def forward(self, x):  # x [T, B, I]
        u = x.permute(1, 2, 0)                              # [B, I, T]
        u = torch.relu(self.conv(torch.nn.functional.pad(u, (4, 0))))
        h, _ = self.lstm(u.permute(2, 0, 1))                # [T, B, 64]
        return self.head(h[-1])


def forget_bias_one(model):
    for name, p in model.named_parameters():
        if name.startswith(("l1.bias", "l2.bias", "lstm.bias")):
            with torch.no_grad():
                p.zero_()
                if "bias_ih" in name:
                    h = p.shape[0] // 4
                    p[h:2 * h] = 1


def main():
    path, model, epochs, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    torch.set_num_threads(threads)
    torch.manual_seed(int(sys.argv[5]))
    x, y, window, train, valid = load(path)
    nf = x.shape[1]
    # every window once: windows[i] = x[rows[i] - W + 1 .. rows[i]]
    allrows = np.concatenate([train, valid])
    idx = allrows[:, None] - (window - 1) + np.arange(window)[None, :]
    windows = torch.from_numpy(np.ascontiguousarray(x[idx]))          # [N, T, I]
    targets = torch.from_numpy(np.ascontiguousarray(y[allrows])).unsqueeze(1)
    ntrain = len(train)
    net = ModelA(nf) if model == "a" else ModelB(nf)
    forget_bias_one(net)
    batch = 32 if model == "a" else 64
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    lossf = torch.nn.MSELoss()
    last = time.perf_counter()
    for epoch in range(epochs):
        net.train()
        t0 = time.perf_counter()
        order = torch.randperm(ntrain)
        for b0 in range(0, ntrain, batch):
            sel = order[b0:b0 + batch]
            xb = windows.index_select(0, sel).transpose(0, 1)       # [T, B, I]
            opt.zero_grad(set_to_none=True)
            loss = lossf(net(xb), targets.index_select(0, sel))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            opt.step()
        train_s = time.perf_counter() - t0
        net.eval()
        total = 0.0
        with torch.no_grad():
            for b0 in range(ntrain, len(allrows), 64):
                xb = windows[b0:b0 + 64].transpose(0, 1)
                total += float(((net(xb) - targets[b0:b0 + 64]) ** 2).sum())
        now = time.perf_counter()
        print("epoch %d windows_per_s %.1f epoch_s %.4f valid_loss %.6f"
              % (epoch + 1, ntrain / train_s, now - last, total / len(valid)), flush=True)
        last = now


if __name__ == "__main__":
    main()
