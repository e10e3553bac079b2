"""Time per epoch of data-parallel training against the number of processes, minidl beside torch.nn + DDP.

The circle task with 1,000,000 points and a 2 -> 256 x 3 -> 2 network (the default recipe otherwise:
cross-entropy, Adam, global batch 1000 here), one epoch = training on every point, then evaluating
both sets. For each number of processes the script starts that many ranks through torchrun's own
machinery; each rank alternates a minidl epoch (a Run with ``Runtime(world=...)``: its own all-reduce
per step) and a torch.nn epoch (DistributedDataParallel, the same data, batches and sharded
evaluation), so machine noise hits both alike. minidl's all-reduce time is measured apart (on a GPU,
synchronised around each all-reduce: the time the collective itself takes). Medians over the rounds.

    python benchmarks/bench_ddp.py [--procs 1 2] [--rounds 3] [--points 1000000] [--width 256] [--batch 1000]
    python benchmarks/bench_ddp.py --device cuda --procs 1          # NCCL, one process per GPU
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import torch
import torch.distributed as dist
from torch import nn

import minidl
from minidl.workflow.distributed import World, join
from minidl.workflow.recipe import report_network


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--procs", type=int, nargs="+", default=[1, 2], help="numbers of processes to time")
    parser.add_argument("--rounds", type=int, default=3, help="epochs of each framework per number of processes")
    parser.add_argument("--points", type=int, default=1_000_000, help="training points (and 1/10 as many to test)")
    parser.add_argument("--width", type=int, default=256)
    parser.add_argument("--batch", type=int, default=1000, help="the global batch (split among the processes)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads per process")
    parser.add_argument("--device", default="cpu", help="cpu (gloo), or cuda (NCCL: one GPU per process)")
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)  # set when started as a rank
    args = parser.parse_args()
    if "RANK" in os.environ:
        rank_main(args)
        return
    print(
        f"torch {torch.__version__}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}, device {args.device}"
        + (f" ({torch.cuda.get_device_name()})" if args.device == "cuda" else "")
        + f", {args.threads} thread(s) a process; {args.points:,} points, 2 -> {args.width} x 3 -> 2, "
        f"global batch {args.batch}, medians of {args.rounds} epochs"
    )
    print("procs   minidl epoch   its all-reduce   torch.nn DDP epoch   minidl / DDP")
    for procs in args.procs:
        row = launch(procs, args)
        minidl_s, reduce_s, torch_s = row["minidl"], row["all_reduce"], row["torch"]
        print(
            f"{procs:5}   {minidl_s:10.2f} s   {reduce_s:8.2f} s ({reduce_s / minidl_s:4.0%})   "
            f"{torch_s:14.2f} s     {minidl_s / torch_s:9.2f}x"
        )


def launch(procs: int, args: argparse.Namespace) -> dict[str, float]:
    """Run this script as ``procs`` ranks (torchrun --standalone); rank 0's medians."""
    from torch.distributed import run as torchrun

    with tempfile.TemporaryDirectory() as folder:
        result = Path(folder) / "result.json"
        os.environ["OMP_NUM_THREADS"] = str(args.threads)
        command = ["--standalone", f"--nproc-per-node={procs}", __file__, *options(args), "--result", str(result)]
        torchrun.run(torchrun.parse_args(command))
        return json.loads(result.read_text())


def options(args: argparse.Namespace) -> list[str]:
    """The options a rank needs, from ``args``."""
    names = ("rounds", "points", "width", "batch", "threads", "device")
    return [word for name in names for word in (f"--{name}", str(getattr(args, name)))]


def rank_main(args: argparse.Namespace) -> None:
    torch.set_num_threads(args.threads)
    with join(device=args.device, timeout=600.0) as world:
        run = minidl_run(args, world)
        trainer = run.trainer
        reduce_time = timed_all_reduce(world)
        network, optimizer = torch_model(args, world)
        times: dict[str, list[float]] = {"minidl": [], "all_reduce": [], "torch": []}
        for _ in range(args.rounds):
            reduce_time[0] = 0.0
            times["minidl"].append(seconds(lambda: run.fit(1), world))
            times["all_reduce"].append(reduce_time[0])
            times["torch"].append(seconds(lambda: torch_epoch(network, optimizer, trainer, world), world))
        if world.rank == 0:
            args.result.write_text(json.dumps({key: statistics.median(values) for key, values in times.items()}))


def minidl_run(args: argparse.Namespace, world: World) -> minidl.Run:
    spec = minidl.default_spec(epochs=10**6, batch_size=args.batch)
    spec["model"]["layers"] = report_network(width=args.width)
    spec["training"]["dataset"]["config"] = {"n_train": args.points, "n_test": max(1, args.points // 10)}
    model = minidl.build_model(spec).to(device=world.device)
    run = minidl.Run(spec, model, runtime=minidl.Runtime(threads=args.threads, world=world))
    run.fit(0)  # no epoch: the ranks agree on the run and take rank 0's weights, outside the timings
    return run


def timed_all_reduce(world: World) -> list[float]:
    """Make ``world.all_reduce`` add its time (synchronised on a GPU) to the one-element list returned."""
    total = [0.0]
    all_reduce = world.all_reduce

    def timed(tensor: torch.Tensor) -> None:
        synchronize(world)
        start = time.perf_counter()
        all_reduce(tensor)
        synchronize(world)
        total[0] += time.perf_counter() - start

    world.all_reduce = timed  # type: ignore[method-assign]
    return total


def torch_model(args: argparse.Namespace, world: World) -> tuple[nn.Module, torch.optim.Optimizer]:
    layers: list[nn.Module] = [nn.Linear(2, args.width), nn.ReLU()]
    for _ in range(2):
        layers += [nn.Linear(args.width, args.width), nn.ReLU()]
    network = nn.Sequential(*layers, nn.Linear(args.width, 2)).to(world.device)
    ids = [world.device.index] if world.device.type == "cuda" else None
    parallel = nn.parallel.DistributedDataParallel(network, device_ids=ids)
    return parallel, torch.optim.Adam(parallel.parameters(), lr=1e-2, betas=(0.9, 0.99))


def torch_epoch(network: nn.Module, optimizer: torch.optim.Optimizer, trainer: minidl.Trainer, world: World) -> None:
    """What ``Trainer.run_epoch`` does, in torch.nn with DDP: the same data and batches, the same sharded scores."""
    data, loss = trainer.data, nn.CrossEntropyLoss()
    order = torch.randperm(data.train_x.shape[0]).to(data.train_x.device)
    network.train()
    for x, y in zip(data.train_x[order].split(trainer.batch_size), data.train_y[order].split(trainer.batch_size)):
        rows = world.rows(x.shape[0])
        optimizer.zero_grad()
        loss(network(x[rows]), y[rows]).backward()
        optimizer.step()
    network.eval()
    with torch.no_grad():
        for x, y in ((data.train_x, data.train_y), (data.test_x, data.test_y)):
            rows = world.rows(x.shape[0])
            output = network(x[rows])
            wrong = (output.argmax(1) != y[rows]).sum()
            dist.all_reduce(torch.stack([loss(output, y[rows]).double() * output.shape[0], wrong.double()]))


def seconds(work: Any, world: World) -> float:
    synchronize(world)
    start = time.perf_counter()
    work()
    synchronize(world)
    return time.perf_counter() - start


def synchronize(world: World) -> None:
    if world.device.type == "cuda":
        torch.cuda.synchronize(world.device)


if __name__ == "__main__":
    main()
