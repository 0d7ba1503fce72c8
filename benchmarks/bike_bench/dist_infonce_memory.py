"""Per-rank peak memory and time of the BIKE head + DistInfoNCE loss.

Forward + backward of the head (temporal transformer + aggregation) and the
contrastive loss for one global batch, as one rank of an M-process job does
it, simulated in one CPU process (issue #3):

* ``sharded`` (bike_mm): the rank runs the temporal transformer on its N
  local videos and scores them against all NM categories; the scores of its
  N categories against all NM videos arrive from the other ranks
  (``DistInfoNCELoss``). What the collectives would deliver (gathered
  categories and labels, the received score block) is given as input and
  the loss module's collective functions are pointed at it, so the
  production loss code runs unchanged.
* ``replicated`` (the released BIKE code): every rank gathers the frame
  embeddings of the whole batch, runs the head on all NM videos and builds
  the full NM x NM score matrix. Its per-rank cost does not depend on M, so
  it is measured once; at M = 1 it is also the sharded computation.

Heads: mean pooling, VCS over the category name's words (bike_mm's default)
and VCS over all 77 context tokens (``all_tokens=True``, the released code).
Category embeddings come from a frozen text encoder: the K-class cache is
built before the measurement, a step selects (local) and receives (gathered)
rows of it. Class names are drawn from the Kinetics-400 label file.

Two more modes run the ranks for real, M fresh gloo processes with the
production collectives (the figures are the maxima over the ranks):

* ``ranks``: what ``sharded`` simulates, each rank on its own slice of the
  global batch; the temporal transformer's parameters and gradients on
  every rank (no DDP wrapper: its gradient buckets would add another copy).
* ``ranks-fsdp``: the same with the temporal transformer under
  :func:`~bike_mm.engine.model_wrappers.fully_sharded.apply_fully_shard`
  (torch's FSDP2): each rank keeps 1/M of its parameters and gradients,
  gathering a block's parameters while it runs.

Every configuration runs in fresh subprocesses with one thread. Memory:
the peak of the sum of live tensor bytes allocated during one step, from the
allocation events of ``torch.profiler`` (``profile_memory=True``, exact
allocator accounting; parameter gradients are included), and as a
cross-check the rise of the process's resident set (``VmHWM`` after
resetting it through ``/proc/self/clear_refs``, glibc's mmap threshold fixed
so freed blocks leave the resident set). Time: median of ``--repeats``
steps without the profiler, after one warm-up step.

Command line: ``benchmarks/dist_infonce_memory.py``.
"""
import json
import os.path as osp
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Iterator, Sequence

from .process_memory import local_bytes, resident_rise
from .worker_processes import rank_env, worker_env

HEADS = {
    'mean': dict(aggregation='mean'),
    'vcs-words': dict(aggregation='vcs', all_tokens=False),
    'vcs-77-tokens': dict(aggregation='vcs', all_tokens=True),
}
HEAD_NAMES = tuple(HEADS)
#: modes whose M ranks are M processes
RANK_MODES = ('ranks', 'ranks-fsdp')
MODES = ('replicated', 'sharded') + RANK_MODES


def _profiled_peak(step) -> int:
    """Peak of live tensor bytes allocated while ``step`` runs."""
    from torch.profiler import ProfilerActivity, profile

    from bike_mm.utils.torch_compat import profiler_event_start
    with profile(activities=[ProfilerActivity.CPU],
                 profile_memory=True) as prof:
        step()
    events = sorted((e for e in prof.profiler.kineto_results.events()
                     if e.name() == '[memory]'),
                    key=profiler_event_start)
    live = peak = 0
    for event in events:
        live += event.nbytes()
        peak = max(peak, live)
    return peak


def run_worker(cfg: dict) -> dict:
    """Measure one configuration in this process (one rank of it in the
    modes of :data:`RANK_MODES`)."""
    import torch
    import torch.distributed as dist
    from mmaction.registry import MODELS

    import bike_mm  # noqa: F401
    from bike_mm.datasets.label_files import load_class_names
    from bike_mm.models import OpenCLIP
    from bike_mm.models.utils.gather import Collectives
    torch.set_num_threads(1)
    torch.manual_seed(0)

    batch, frames, dim = cfg['global_batch'], cfg['frames'], cfg['dim']
    local = batch // cfg['world_size']
    rank, simulated = 0, cfg['mode'] == 'sharded' and cfg['world_size'] > 1
    if cfg['mode'] in RANK_MODES:  # rank and rendezvous in the environment
        dist.init_process_group('gloo')
        rank = dist.get_rank()
    names = load_class_names(cfg['label_file'])
    head = MODELS.build(
        dict(
            type='VCSHead',
            num_classes=len(names),
            in_channels=dim,
            temporal_layers=cfg['temporal_layers'],
            # bike_mm's memory option; the released head keeps activations
            temporal_checkpointing=cfg['temporal_checkpointing']
            and cfg['mode'] != 'replicated',
            **HEADS[cfg['head']]))
    if cfg['mode'] == 'ranks-fsdp':
        from bike_mm.engine.model_wrappers.fully_sharded import (
            apply_fully_shard,
        )
        apply_fully_shard(head.temporal, split_blocks=cfg['split_blocks'])
    # the frozen category encoder's cache of all K classes (model state)
    tokens, word_mask = OpenCLIP(arch='ViT-Tiny-16').text.tokenize(
        names, 'This is a video about {}')
    context = tokens.shape[1]
    class_cache = head.category_embeddings(
        torch.randn(len(names), dim), torch.randn(len(names), context, dim),
        word_mask)
    labels = torch.randint(len(names), (batch, ))
    logit_scale = torch.tensor(100.0, requires_grad=True)

    # what the collectives deliver to this rank, filled by each step
    delivered = {}
    # bytes of parameter gradients this rank holds after a backward pass
    grads = {}

    def backward(loss):
        loss.backward()
        grads['bytes'] = sum(
            local_bytes(p.grad) for p in head.parameters()
            if p.grad is not None)

    if simulated:
        head.loss_cls.collectives = Collectives(
            gather_batch=lambda tensor: delivered[id(tensor)],
            gather_sizes=lambda tensor: [local] * (batch // local),
            score_columns=lambda scores, sizes: delivered['score_columns'])

    def sharded_step():
        local_videos = head.temporal(
            torch.randn(local, frames, dim, requires_grad=True))
        local_labels = labels[rank * local:(rank + 1) * local]
        local_categories = class_cache.select(local_labels)
        if simulated:
            delivered.update({
                id(field): gathered for field, gathered in zip(
                    local_categories, class_cache.select(labels))
            })
            delivered.update({
                id(local_labels): labels,
                # local categories x all videos, scored on the other ranks
                'score_columns': torch.randn(local, batch,
                                             requires_grad=True),
            })
        backward(
            head.loss_cls(local_videos, local_categories, local_labels,
                          head.score, logit_scale))
        delivered.clear()

    def replicated_step():
        all_frames = torch.randn(batch, frames, dim, requires_grad=True)
        # one process: the loss builds one NM x NM matrix, both directions
        backward(
            head.loss_cls(head.temporal(all_frames),
                          class_cache.select(labels), labels, head.score,
                          logit_scale))

    run = replicated_step if cfg['mode'] == 'replicated' else sharded_step

    def step():
        run()
        head.zero_grad(set_to_none=True)
        logit_scale.grad = None

    step()  # warm-up
    times = []
    for _ in range(cfg['repeats']):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    result = dict(
        cfg,
        words=int(class_cache.select(labels).words.shape[1]),
        seconds=statistics.median(times),
        grad_bytes=grads['bytes'],
        peak_bytes=_profiled_peak(step),
        rss_bytes=resident_rise(step))
    if dist.is_initialized():  # leave together
        dist.barrier()
        dist.destroy_process_group()
    return result


def _wait(procs: Sequence[subprocess.Popen]) -> None:
    """Wait for all; once one fails, stop the others (they would wait for
    it in a collective)."""
    while any(proc.poll() is None for proc in procs):
        if any(proc.returncode for proc in procs):
            for proc in procs:
                if proc.poll() is None:
                    proc.kill()
        time.sleep(0.2)


def measure(cfg: dict) -> dict:
    """Run one configuration in fresh processes (one per rank in the modes
    of :data:`RANK_MODES`, else one); the maxima over ranks."""
    ranks = cfg['world_size'] if cfg['mode'] in RANK_MODES else 1
    env = worker_env(ranks)
    with tempfile.TemporaryDirectory() as logs:
        procs = []
        for rank in range(ranks):
            with open(osp.join(logs, f'{rank}.out'), 'w') as out, \
                    open(osp.join(logs, f'{rank}.err'), 'w') as err:
                procs.append(subprocess.Popen(
                    [sys.executable, '-m', __name__, json.dumps(cfg)],
                    stdout=out, stderr=err, env=rank_env(env, rank)))
        _wait(procs)
        results = []
        for rank, proc in enumerate(procs):
            with open(osp.join(logs, f'{rank}.out')) as out, \
                    open(osp.join(logs, f'{rank}.err')) as err:
                if proc.returncode != 0:
                    raise RuntimeError(
                        f'{cfg} failed on rank {rank}:\n{err.read()[-3000:]}')
                results.append(json.loads(out.read().splitlines()[-1]))
    return dict(results[0], **{
        key: max(result[key] for result in results)
        for key in ('seconds', 'grad_bytes', 'peak_bytes', 'rss_bytes')
    })


def memory_report(label_file: str,
                  global_batch: int = 256,
                  frames: int = 8,
                  dim: int = 512,
                  temporal_layers: int = 6,
                  world_sizes: Sequence[int] = (1, 2, 4, 8),
                  heads: Sequence[str] = HEAD_NAMES,
                  repeats: int = 3,
                  modes: Sequence[str] = ('sharded', ),
                  temporal_checkpointing: bool = False,
                  split_blocks: bool = False) -> Iterator[str]:
    """Measure every head and world size; yield the report's lines (two
    Markdown tables) as the measurements arrive.

    Args:
        label_file (str): Class names of the category cache.
        global_batch (int): Videos of one step over all ranks (NM).
        frames (int): Frames per video T.
        dim (int): Embedding width D.
        temporal_layers (int): Temporal transformer layers of the head.
        world_sizes (Sequence[int]): Process counts M.
        heads (Sequence[str]): Keys of :data:`HEADS`.
        repeats (int): Timed steps per configuration.
        modes (Sequence[str]): Modes of :data:`MODES` measured at M > 1
            next to ``replicated`` (measured once).
        temporal_checkpointing (bool): Activation checkpointing of
            bike_mm's temporal transformer (every mode but ``replicated``).
        split_blocks (bool): ``ranks-fsdp`` makes the attention and the MLP
            of each block FSDP units of their own
            (``apply_fully_shard(split_blocks=True)``).
    """
    base = dict(
        global_batch=global_batch, frames=frames, dim=dim,
        temporal_layers=temporal_layers, repeats=repeats,
        label_file=label_file, temporal_checkpointing=temporal_checkpointing,
        split_blocks=split_blocks)
    mib = 2**20
    yield (f'global batch {global_batch}, T={frames}, D={dim}, 77-token '
           f'prompts, temporal layers {temporal_layers}, 1 thread per '
           f'process; temporal checkpointing {temporal_checkpointing}, '
           f'FSDP split blocks {split_blocks}\n')
    yield ('| head | mode | M | rows/rank | words W | param grads MiB '
           '| peak MiB (profiler) | peak MiB (RSS) | fwd+bwd s |')
    yield '|---|---|---|---|---|---|---|---|---|'
    modes = [mode for mode in modes if mode != 'replicated']
    results = {}
    for head in heads:
        # at M = 1 every mode is the same single-process computation
        runs = [('replicated', 1)] + [
            (mode, m) for mode in modes for m in world_sizes if m > 1]
        for mode, world_size in runs:
            res = measure(dict(base, head=head, mode=mode,
                               world_size=world_size))
            results[head, mode, world_size] = res
            rows = global_batch if mode == 'replicated' else \
                global_batch // world_size
            label = '1 and any' if mode == 'replicated' else world_size
            yield (f"| {head} | {mode} | {label} | {rows} | {res['words']} | "
                   f"{res['grad_bytes'] / mib:.1f} | "
                   f"{res['peak_bytes'] / mib:.1f} | "
                   f"{res['rss_bytes'] / mib:.1f} | {res['seconds']:.3f} |")
    yield '\nReplicated / sharded per-rank ratio (profiler peak; time):\n'
    yield '| head | ' + ' | '.join(f'M={m}' for m in world_sizes) + ' |'
    yield '|---|' + '---|' * len(world_sizes)

    def ratio(replicated, sharded):
        return (f"{replicated['peak_bytes'] / sharded['peak_bytes']:.1f}x; "
                f"{replicated['seconds'] / sharded['seconds']:.1f}x")

    pairs = [(head, head) for head in heads]
    if {'vcs-words', 'vcs-77-tokens'} <= set(heads):
        pairs.append(('vcs-77-tokens', 'vcs-words'))
    for mode in modes:
        for replicated_head, sharded_head in pairs:
            replicated = results[replicated_head, 'replicated', 1]
            cells = [
                ratio(replicated, results[sharded_head, mode, m]
                      if m > 1 else results[sharded_head, 'replicated', 1])
                for m in world_sizes
            ]
            if (replicated_head, mode) == (sharded_head, 'sharded'):
                name = replicated_head
            else:
                name = f'replicated {replicated_head} / {mode} {sharded_head}'
            yield f'| {name} | ' + ' | '.join(cells) + ' |'


if __name__ == '__main__':
    # a worker of :func:`measure`: one configuration, result as JSON
    print(json.dumps(run_worker(json.loads(sys.argv[1]))))
