"""The executor: jobs on forked workers, results in plan order, fan-in by facts, errors and deaths reported."""
from __future__ import annotations

import gc
import mmap
import multiprocessing.util
import os
import signal
import sys
import time
import types
import weakref
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from liaison.build import executor
from liaison.build.plan import Job
from liaison.render import Output, Rendered

# These jobs read nothing of a build; Job.run reads the QR symbols kept from the last build (none).
NO_CONTEXT: Any = types.SimpleNamespace(symbols={})


def number(ctx: Any, n: int, delay: float = 0.0) -> Rendered:
    time.sleep(delay)  # later jobs finish first
    return Rendered((Output(f"n/{n}.txt", f"{n}".encode()),), {"n": n, "pid": os.getpid()})


def total(ctx: Any, upstream: Sequence[Rendered]) -> Rendered:
    values = [job.facts["n"] for job in upstream]
    assert all(not job.outputs for job in upstream)  # facts only: the bytes are written as they come
    return Rendered((Output("total.txt", repr(values).encode()),))


def measured(ctx: Any, upstream: Sequence[Rendered]) -> Rendered:
    return Rendered((Output("sizes.txt", repr([len(job.facts["blob"]) for job in upstream]).encode()),))


def broken(ctx: Any) -> Rendered:
    raise ValueError("a template exploded in a worker")


def killed(ctx: Any) -> Rendered:
    os.kill(os.getpid(), signal.SIGKILL)
    raise AssertionError("unreachable")


def jobs(count: int = 6, pause: float = 0.05) -> list[Job]:
    numbers = [Job("web", (f"n/{n}.txt",), number, (n, pause * (count - n))) for n in range(count)]
    return [*numbers, Job("web", ("total.txt",), total, fan_in=tuple(job.key for job in numbers))]


def run(plan: list[Job], workers: int | None = None, **options: Any) -> list[tuple[Job, Rendered]]:
    return list(executor.run(plan, NO_CONTEXT, workers=workers, **options))


def test_results_come_in_plan_order_from_several_workers_and_match_one_process() -> None:
    plan = jobs()
    parallel, alone = run(plan, workers=2), run(jobs(pause=0), workers=1)  # the same outputs, in one process
    assert [job for job, _ in parallel] == plan
    assert [r.outputs for _, r in parallel] == [r.outputs for _, r in alone]
    assert len({r.facts["pid"] for _, r in parallel[:6]} - {os.getpid()}) == 2  # both workers, not this process
    assert parallel[6][1].outputs == (Output("total.txt", b"[0, 1, 2, 3, 4, 5]"),)  # fan-in in declared order
    assert parallel[0][1].facts["paths"] == ["n/0.txt"]


def large(ctx: Any, n: int) -> Rendered:
    return Rendered((Output(f"large/{n}.bin", bytes([n]) * 3_000_000),), {"blob": "x" * (3_000_000 + n)})


def test_results_and_upstreams_larger_than_a_pipe_holds_flow_while_workers_hold_jobs_ahead() -> None:
    """A worker holds its next job while it renders one (executor.AHEAD); an aggregate whose upstream (here
    12 MB of facts: the link check's are every page's links and anchors) cannot fit in a pipe goes only to a
    worker that is sending nothing, so neither side waits on the other for ever."""
    big = [Job("web", (f"large/{n}.bin",), large, (n,)) for n in range(4)]
    small = [Job("web", (f"n/{n}.txt",), number, (n,)) for n in range(8)]
    more = [Job("web", (f"large/{n}.bin",), large, (n,)) for n in range(4, 12)]
    plan = [*big, *more, Job("print", ("sizes.txt",), measured, fan_in=tuple(job.key for job in big)), *small]
    signal.alarm(120)  # a deadlock fails the test instead of hanging the suite
    try:
        parallel = run(plan, workers=2)
    finally:
        signal.alarm(0)
    assert [r.outputs for _, r in parallel] == [r.outputs for _, r in run(plan, workers=1)]
    assert parallel[12][1].outputs[0].data == repr([3_000_000 + n for n in range(4)]).encode()


_RAN = [0]  # jobs this process has run (each forked worker counts on from what it inherits)


def counted(ctx: Any, n: int, delay: float) -> Rendered:
    time.sleep(delay)
    _RAN[0] += 1
    return Rendered((Output(f"n/{n}.txt", f"{n}".encode()),), {"n": n, "pid": os.getpid(), "serial": _RAN[0]})


def test_a_heavy_job_starts_first_on_a_worker_of_its_own_and_results_still_come_in_plan_order() -> None:
    """A small build's poster, last in the plan, would otherwise start when the web pages are done and keep the
    build waiting while the other worker idles: it goes first to a worker that takes nothing else meanwhile."""
    def plan_of(pause: float) -> list[Job]:
        small = [Job("web", (f"n/{n}.txt",), counted, (n, 0.02 * pause)) for n in range(10)]
        heavy = Job("print", ("n/10.txt",), counted, (10, 1.0 * pause), heavy=True)
        return [*small, Job("web", ("total.txt",), total, fan_in=tuple(job.key for job in small)), heavy]

    plan = plan_of(1)
    parallel = run(plan, workers=2)
    assert [job for job, _ in parallel] == plan
    assert [r.outputs for _, r in parallel] == [r.outputs for _, r in run(plan_of(0), workers=1)]  # the same outputs
    heavy_facts = parallel[-1][1].facts
    assert all(r.facts["pid"] != heavy_facts["pid"] for _, r in parallel[:10])  # the other did all the rest


def test_heavy_jobs_ahead_of_their_turn_leave_a_worker_to_the_plan_order() -> None:
    """Of many heavy jobs (a cold build's posters) one at a time goes ahead with two workers: the small jobs
    before them are not held up behind them."""
    small = [Job("web", (f"n/{n}.txt",), counted, (n, 0.01)) for n in range(6)]
    heavy = [Job("print", (f"n/{n}.txt",), counted, (n, 0.3), heavy=True) for n in range(6, 9)]
    parallel = run([*small, *heavy], workers=2)
    pids = {r.facts["pid"] for _, r in parallel[:6]}
    assert len(pids) == 1  # one worker did the small jobs while the first heavy job ran on the other
    first = parallel[6][1].facts
    assert first["pid"] not in pids
    assert first["serial"] == min(r.facts["serial"] for _, r in parallel if r.facts["pid"] == first["pid"])


def noted(ctx: Any, n: int, log: str) -> Rendered:
    """A job that notes when it finished (one line appended to `log`)."""
    time.sleep(0.01)
    with open(log, "a", encoding="utf-8") as file:
        file.write(f"{n}\n")
    return Rendered((Output(f"n/{n}.txt", b"x" * 100_000),), {"n": n})


def noted_total(ctx: Any, upstream: Sequence[Rendered], log: str) -> Rendered:
    with open(log, "a", encoding="utf-8") as file:
        file.write("total\n")
    return Rendered((Output("total.txt", repr([job.facts["n"] for job in upstream]).encode()),))


@pytest.mark.skipif(not executor.forks_safely(), reason="workers are forked on Linux only")
def test_a_ready_aggregate_runs_before_the_jobs_after_it_not_once_they_all_ran(tmp_path: Path) -> None:
    """Results are given out in plan order, so this process holds every result made after the one it waits
    for. Workers kept busy with the jobs after a ready aggregate (which goes only to a free worker) left it
    waiting until they had all run: a build's parent held every print file behind the site's last aggregates
    (57 MB in 1,253 results at 25 stations, growing with the corpus)."""
    log = str(tmp_path / "finished")
    pages = [Job("web", (f"n/{n}.txt",), noted, (n, log)) for n in range(4)]
    later = [Job("web", (f"n/{n}.txt",), noted, (n, log)) for n in range(4, 204)]
    plan = [*pages, Job("web", ("total.txt",), noted_total, (log,), fan_in=tuple(job.key for job in pages)), *later]
    results = run(plan, workers=2)
    assert results[4][1].outputs == (Output("total.txt", b"[0, 1, 2, 3]"),)
    finished = Path(log).read_text(encoding="utf-8").split()
    # Once its pages are done, it waits for what the workers hold (AHEAD messages each, of up to BATCH small jobs;
    # the message holding the last of the pages may hold jobs after it), not for the 200 jobs after it.
    held = 2 * executor.AHEAD * executor.BATCH + executor.BATCH
    assert finished.index("total") <= len(pages) + held, finished
    assert held < len(later) / 4  # the bound says something


def test_an_aggregate_reads_facts_given_for_jobs_not_run_this_time() -> None:
    plan = jobs()
    given = {job.key: Rendered((), {"n": 10 + index, "paths": list(job.outputs)}) for index, job in enumerate(plan[:6])}
    [(_, result)] = run([plan[6]], given=given)
    assert result.outputs == (Output("total.txt", b"[10, 11, 12, 13, 14, 15]"),)
    with pytest.raises(ValueError, match="fans in from"):  # nothing from a job neither run nor given
        run([plan[6]])


class CountedFanIn(tuple[str, ...]):
    """A fan-in that counts the times it is gone through."""

    passes = 0

    def __iter__(self) -> Iterator[str]:
        CountedFanIn.passes += 1
        return super().__iter__()


def test_the_schedule_goes_through_an_aggregates_fan_in_a_few_times_not_once_per_job_handed_out() -> None:
    """Whether an aggregate is ready is asked on every hand-out; the link check fans in from every job of the site,
    so going through its fan-in each time grew with the square of the site's jobs."""
    first = [Job("web", ("n/0.txt",), number, (0, 0.5)), *(Job("web", (f"n/{n}.txt",), number, (n,)) for n in (1, 2))]
    then = [Job("web", (f"n/{n}.txt",), number, (n,)) for n in range(3, 200)]  # handed out while the first runs
    CountedFanIn.passes = 0
    plan = [*first, Job("web", ("total.txt",), total, fan_in=CountedFanIn(job.key for job in first)), *then]
    results = run(plan, workers=2)
    assert results[3][1].outputs == (Output("total.txt", b"[0, 1, 2]"),)
    assert CountedFanIn.passes <= 4


def broken_at(ctx: Any, n: int, bad: int) -> Rendered:
    if n == bad:
        raise ValueError(f"job {n} exploded")
    return number(ctx, n)


def test_small_jobs_travel_several_to_a_message_and_come_back_in_plan_order_as_in_one_process(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Each message to a worker, and each answer, costs this process a system call or two and a wait; small jobs
    go together (executor.BATCH), each still answered with its own result."""
    sent: list[int] = []
    real = multiprocessing.connection.Connection.send_bytes
    monkeypatch.setattr(multiprocessing.connection.Connection, "send_bytes",
                        lambda self, data, *args: (sent.append(os.getpid()), real(self, data, *args))[1])
    plan = [Job("web", (f"n/{n}.txt",), number, (n,)) for n in range(400)]
    parallel = run(plan, workers=2)
    assert [job for job, _ in parallel] == plan
    assert [r.outputs for _, r in parallel] == [r.outputs for _, r in run(plan, workers=1)]
    assert len({r.facts["pid"] for _, r in parallel} - {os.getpid()}) == 2
    assert sent.count(os.getpid()) <= len(plan) / 4  # messages this process sent


def test_an_error_in_a_message_of_several_jobs_comes_after_the_results_before_it() -> None:
    plan = [Job("web", (f"n/{n}.txt",), broken_at, (n, 150)) for n in range(400)]
    results: list[tuple[Job, Rendered]] = []
    with pytest.raises(ValueError, match="job 150 exploded"):
        results.extend(executor.run(plan, NO_CONTEXT, workers=2))
    assert [job for job, _ in results] == plan[:150]


def test_an_error_in_a_worker_is_raised_here_with_where_it_happened() -> None:
    plan = [*jobs()[:3], Job("web", ("broken.txt",), broken)]
    with pytest.raises(ValueError, match="a template exploded in a worker") as raised:
        run(plan, workers=2)
    assert isinstance(raised.value.__cause__, executor.RemoteTraceback)
    assert "in broken" in str(raised.value.__cause__)


def test_a_worker_killed_from_outside_is_reported_not_waited_for() -> None:
    with pytest.raises(executor.WorkerDied):
        run([*jobs()[:2], Job("web", ("killed.txt",), killed)], workers=2)


def test_a_job_writing_what_it_did_not_plan_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="beyond its plan"):
        run([Job("web", ("n/9.txt",), number, (1,))], workers=1)


@pytest.mark.parametrize(("files", "expected"), [
    ({"cpu.max": "150000 100000\n"}, 2),  # cgroup v2: 1.5 CPUs, rounded up
    ({"cpu.max": "50000 100000\n"}, 1),  # half a CPU is still one worker
    ({"cpu.max": "max 100000\n"}, None),  # no quota: the processors it may run on
    ({"cpu/cpu.cfs_quota_us": "100000\n", "cpu/cpu.cfs_period_us": "100000\n"}, 1),  # cgroup v1
    ({"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}, None),  # v1 without a quota
    ({}, None),  # no cgroup file system
])
def test_workers_follow_the_cgroup_cpu_quota(tmp_path: Path, files: dict[str, str], expected: int | None) -> None:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    allowed = len(os.sched_getaffinity(0))
    assert executor.cores(tmp_path) == (min(allowed, expected) if expected else allowed)


def test_jobs_sets_the_workers_and_refuses_what_is_no_count(monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    from liaison import cli

    seen: list[int | None] = []
    monkeypatch.setattr(cli, "_run", lambda args, config: seen.append(config.jobs) or 0)
    assert cli.main(["build", "--jobs", "3"]) == 0 and cli.main(["build"]) == 0
    assert seen == [3, None]
    for wrong in ("0", "-2", "two"):
        assert cli.main(["build", "--jobs", wrong]) == 2
        assert f"“{wrong}”不是正整数" in capsys.readouterr().err


def test_workers_are_forked_on_linux_only() -> None:
    assert executor.forks_safely("linux")
    assert not executor.forks_safely("darwin")  # fork is offered there, but not safe with the system's libraries
    assert not executor.forks_safely("win32")


GARBAGE_MB = 8


def touched(megabytes: int) -> mmap.mmap:
    """Memory the process holds, resident while the object lives and given back when it goes: pages of a
    mapping of its own, each written (pages never written need not be resident). Not the allocator's memory:
    a process that has run other tests reuses the free memory it holds, and its size would not change."""
    block = mmap.mmap(-1, megabytes * 2**20)
    for offset in range(0, len(block), mmap.PAGESIZE):
        block[offset] = 1
    return block


def litter(ctx: Any, n: int) -> Rendered:
    """Leave GARBAGE_MB in a reference cycle, as a WeasyPrint document does: too few objects to prompt a
    collection by count, so only a full collection frees it; report the process's size after it."""
    cycle: list[Any] = [touched(GARBAGE_MB)]
    cycle.append(cycle)
    return Rendered((Output(f"n/{n}.txt", b""),), {"pid": os.getpid(), "resident": executor.resident()})


@pytest.mark.skipif(executor.resident() is None, reason="the process's size is read from /proc (Linux)")
@pytest.mark.parametrize("workers", [2, 1])  # forked workers, and jobs run in this process
def test_a_process_running_jobs_grows_with_its_largest_job_not_with_their_number(workers: int) -> None:
    """Without collecting, each process would keep every job's garbage: 20 jobs x 8 MB, three times what it may
    grow by. (Each collection in this process walks all that the test run holds.)"""
    results = run([Job("web", (f"n/{n}.txt",), litter, (n,)) for n in range(20 * workers)], workers=workers)
    by_process: dict[int, list[int]] = {}
    for _, result in results:
        by_process.setdefault(result.facts["pid"], []).append(result.facts["resident"])
    assert len(by_process) == workers
    for sizes in by_process.values():
        assert len(sizes) >= 10
        growth = (max(sizes) - sizes[0]) / 2**20
        assert growth < executor.GARBAGE_STEP / 2**20 + 3 * GARBAGE_MB, sizes


def test_the_collector_collects_once_the_process_has_grown_by_its_step(monkeypatch: pytest.MonkeyPatch) -> None:
    size = [100]
    collections: list[int] = []

    def collect() -> int:
        collections.append(size[0])
        return 0

    monkeypatch.setattr(gc, "collect", collect)
    collector = executor.Collector(step=10, measure=lambda: size[0])
    for size[0] in (105, 109, 100):  # below the mark plus the step
        assert not collector.after_job()
    size[0] = 110
    assert collector.after_job() and collections == [110]
    size[0] = 115  # the mark is where the collection left the process
    assert not collector.after_job()
    size[0] = 121
    assert collector.after_job() and collections == [110, 121]


def test_the_collector_leaves_collections_to_python_where_the_size_is_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without /proc (macOS, Windows: every job in one process) a full collection after each job would cost more
    than the jobs (about 20 ms each with the demo's model)."""
    calls: list[int] = []
    monkeypatch.setattr(gc, "collect", lambda: calls.append(1) or 0)
    collector = executor.Collector(step=10, measure=lambda: None)
    assert not any(collector.after_job() for _ in range(5)) and not calls


_KEPT: list[mmap.mmap] = []  # what a job keeps that no collection frees, as the print libraries' native caches do


def hoard(ctx: Any, n: int) -> Rendered:
    _KEPT.append(touched(GARBAGE_MB))
    return Rendered((Output(f"n/{n}.txt", f"{n}".encode()),), {"pid": os.getpid(), "resident": executor.resident()})


@pytest.mark.skipif(executor.resident() is None, reason="the process's size is read from /proc (Linux)")
def test_a_worker_that_keeps_what_no_collection_frees_gives_its_place_to_a_new_one(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Without retiring, each of the two workers would keep 15 jobs x 8 MB."""
    monkeypatch.setattr(executor, "WORN", 48 * 2**20)  # read by the forked workers
    results = run([Job("web", (f"n/{n}.txt",), hoard, (n,)) for n in range(30)], workers=2)
    assert [r.outputs[0].data for _, r in results] == [f"{n}".encode() for n in range(30)]
    by_process: dict[int, list[int]] = {}
    for _, result in results:
        by_process.setdefault(result.facts["pid"], []).append(result.facts["resident"])
    assert len(by_process) > 2  # workers retired and others took their place
    limit = (executor.WORN + executor.GARBAGE_STEP) / 2**20 + 2 * GARBAGE_MB
    assert all((max(sizes) - min(sizes)) / 2**20 < limit for sizes in by_process.values()), by_process
    assert not _KEPT  # nothing ran in this process


def big_and_slow(ctx: Any, n: int, folder: str) -> Rendered:
    Path(folder, str(os.getpid())).touch()
    time.sleep(0.5)
    return Rendered((Output(f"n/{n}.txt", b"x" * 2**22),))  # more than a pipe holds: the send blocks


def _gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] in "ZX"
    except OSError:
        return True


@pytest.mark.skipif(not executor.forks_safely(), reason="workers are forked on Linux only")
def test_workers_exit_when_the_process_that_forked_them_is_killed(tmp_path: Path) -> None:
    """Each worker inherits the parent's ends of its siblings' pipes; unless it closes them, a killed parent
    leaves workers blocked on a pipe a sibling keeps open, forever."""
    import multiprocessing

    plan = [Job("print", (f"n/{n}.txt",), big_and_slow, (n, str(tmp_path))) for n in range(40)]
    parent = multiprocessing.get_context("fork").Process(target=run, args=(plan, 2))
    parent.start()
    deadline = time.monotonic() + 60
    while len(list(tmp_path.iterdir())) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = [int(path.name) for path in tmp_path.iterdir()]
    assert len(workers) >= 2
    os.kill(parent.pid or 0, signal.SIGKILL)
    parent.join()
    while not all(_gone(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [pid for pid in workers if not _gone(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, "workers outlived the process that forked them"


def private_mb() -> float:
    """The memory this process holds alone (its pages that no other process shares), in MB."""
    rollup = Path("/proc/self/smaps_rollup").read_text()
    return sum(int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Private_")) / 1024


@pytest.mark.skipif(not Path("/proc/self/smaps_rollup").is_file() or not executor.forks_safely(),
                    reason="workers are forked, and the pages they share read from /proc, on Linux only")
def test_the_parents_collections_during_a_run_leave_what_the_workers_inherited_shared() -> None:
    """A full collection writes to the header of every object it walks: in the parent, while workers run, each
    page of the model it wrote to was copied, held twice instead of shared (a model of 400 MB at 300
    stations). What the parent holds when it forks is out of its collector's sight until the run ends."""
    model = [[n] for n in range(400_000)]  # objects the collector tracks, as the model's are (some 40 MB)
    frozen = gc.get_freeze_count()
    copied = []
    for index, _ in enumerate(executor.run(jobs(), NO_CONTEXT, workers=2)):
        if index == 0:  # both workers are alive and share the model's pages with this process
            before = private_mb()
            gc.collect()
            copied.append(private_mb() - before)
    assert copied[0] < 4, f"{copied[0]:.0f} MB of the model copied"
    assert gc.get_freeze_count() == frozen  # collected as before once the run is over
    del model


class Cyclic:
    def __init__(self) -> None:
        self.itself = self


@pytest.mark.skipif(not executor.forks_safely(), reason="workers are forked on Linux only")
def test_garbage_left_before_a_run_is_collected_not_frozen_with_what_the_workers_inherit() -> None:
    """What preparing a build leaves in reference cycles (the records as loaded, the validation's) is freed before
    the first fork freezes what the parent holds, not kept out of the collector's sight to the end of the run."""
    gc.disable()  # no collection of Python's own between here and the run: the run's is what is shown
    try:
        garbage = Cyclic()
        gone = weakref.ref(garbage)
        del garbage
        alive = []
        for index, _ in enumerate(executor.run(jobs(), NO_CONTEXT, workers=2)):
            if index == 0:  # the workers are forked and what the parent held is frozen
                gc.collect()
                alive.append(gone() is not None)
    finally:
        gc.enable()
    assert alive == [False]


_PINNED: list[bytes] = []  # blocks a job keeps, each between two it freed
BLOCK = 32 * 1024  # the C heap's, not a mapping of its own (malloc maps blocks of 128 KB and more)


def fragmenting(ctx: Any, n: int) -> Rendered:
    """Leave 37 MB free inside the C heap between 37 MB that stays in use (a print job's buffers around the
    native caches it fills), and report the process's size before."""
    start = executor.resident()
    blocks = [b"x" * BLOCK for _ in range(2400)]
    _PINNED.extend(blocks[::2])
    del blocks
    return Rendered((Output(f"n/{n}.txt", b""),), {"pid": os.getpid(), "start": start})


@pytest.mark.skipif(executor.resident() is None, reason="the process's size is read from /proc (Linux)")
@pytest.mark.parametrize("workers", [2, 1])  # forked workers, and jobs run in this process
def test_a_process_running_jobs_gives_back_the_free_memory_inside_its_c_heap(workers: int) -> None:
    """free() keeps what lies below a block still in use for later; a worker that made one large PDF kept its
    size to the end."""
    try:
        results = run([Job("web", (f"n/{n}.txt",), fragmenting, (n,)) for n in range(4)], workers=workers)
    finally:
        _PINNED.clear()
    by_process: dict[int, list[int]] = {}
    for _, result in results:
        by_process.setdefault(result.facts["pid"], []).append(result.facts["start"])
    kept = 1200 * BLOCK / 2**20
    for starts in by_process.values():
        for ran, start in enumerate(starts):
            assert (start - starts[0]) / 2**20 < ran * kept + 8, starts


INHERITED = bytearray()  # memory the workers inherit from this process, as they do the model
PAGES_A_JOB = 16 * 2**20


def copying(ctx: Any, n: int) -> Rendered:
    """Write to one byte of each page of 16 MB of what the worker inherited: the pages are copied (as reading a
    model object writes its reference count), and its resident set does not grow."""
    for offset in range(n * PAGES_A_JOB, (n + 1) * PAGES_A_JOB, mmap.PAGESIZE):
        INHERITED[offset] = 2
    return Rendered((Output(f"n/{n}.txt", b""),), {"pid": os.getpid(), "private": executor.private()})


@pytest.mark.skipif(executor.private() is None or not executor.forks_safely(),
                    reason="workers are forked, and their own memory read from /proc, on Linux only")
def test_a_worker_that_copies_what_it_inherited_gives_its_place_to_a_new_one(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Without retiring on the memory a worker holds alone, each of the two would keep the 10 x 16 MB it copied."""
    monkeypatch.setattr(executor, "WORN", 48 * 2**20)  # read by the forked workers
    monkeypatch.setattr(executor, "WEAR_SECONDS", 0.0)
    monkeypatch.setattr(sys.modules[__name__], "INHERITED", bytearray(b"\x01") * (20 * PAGES_A_JOB))
    results = run([Job("web", (f"n/{n}.txt",), copying, (n,)) for n in range(20)], workers=2)
    by_process: dict[int, list[int]] = {}
    for _, result in results:
        by_process.setdefault(result.facts["pid"], []).append(result.facts["private"])
    assert len(by_process) > 2  # workers retired and others took their place
    assert all(max(held) / 2**20 < 48 + 2 * 16 + 8 for held in by_process.values()), by_process


def test_wear_is_read_after_a_collection_and_once_a_worker_has_run_its_seconds_since_the_last_reading(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(executor, "WORN", 100)
    held, clock, readings = [150], [0.0], []

    def measure() -> int:
        readings.append(clock[0])
        return held[0]

    wear = executor.Wear(every=1.0, measure=measure, clock=lambda: clock[0])
    clock[0] = 0.5
    assert not wear.after_job(collected=False) and not readings  # not yet time
    assert wear.after_job(collected=True) and readings == [0.5]  # a collection reads it
    clock[0] = 1.2
    assert not wear.after_job(collected=False) and readings == [0.5]  # a second from the last reading, not the start
    clock[0] = 1.6
    held[0] = 90
    assert not wear.after_job(collected=False) and readings == [0.5, 1.6]  # below WORN


def test_where_the_system_does_not_tell_a_workers_own_memory_its_growth_after_a_collection_wears_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Linux before 4.14 has no smaps_rollup: a worker must still retire, on what it grew by since it started."""
    monkeypatch.setattr(executor, "WORN", 100)
    size = [1_000]
    wear = executor.Wear(every=1.0, measure=lambda: None, clock=lambda: 5.0, size=lambda: size[0])
    size[0] = 1_150
    assert not wear.after_job(collected=False)  # its resident set before a collection counts garbage too
    assert wear.after_job(collected=True)
    size[0] = 1_050
    assert not wear.after_job(collected=True)
    assert not executor.Wear(every=1.0, measure=lambda: None, size=lambda: None).after_job(collected=True)


_EXITS_SLOWLY = [False]  # whether this worker has made its exit slow


def seen_alive(ctx: Any, n: int, folder: str) -> Rendered:
    """Note this worker and make its exit take a quarter of a second (once a worker), five times its job; report
    the other workers alive."""
    if not _EXITS_SLOWLY[0]:
        _EXITS_SLOWLY[0] = True
        multiprocessing.util.Finalize(None, time.sleep, args=(0.25,), exitpriority=0)  # run as the worker exits
    Path(folder, str(os.getpid())).touch()
    time.sleep(0.05)
    others = [int(path.name) for path in Path(folder).iterdir() if int(path.name) != os.getpid()]
    return Rendered((Output(f"n/{n}.txt", b""),), {"alive": [pid for pid in others if not _gone(pid)]})


@pytest.mark.skipif(not executor.forks_safely(), reason="workers are forked on Linux only")
def test_a_retired_worker_has_ended_before_another_takes_its_place(monkeypatch: pytest.MonkeyPatch,
                                                                   tmp_path: Path) -> None:
    """Otherwise the memory of both counts together for as long as the retired one takes to end."""
    monkeypatch.setattr(executor, "WORN", 0)  # every worker retires after its first answer
    monkeypatch.setattr(executor, "WEAR_SECONDS", 0.0)
    results = run([Job("web", (f"n/{n}.txt",), seen_alive, (n, str(tmp_path))) for n in range(8)], workers=2)
    assert len(list(tmp_path.iterdir())) > 2  # workers retired
    assert all(len(result.facts["alive"]) <= 1 for _, result in results), [r.facts["alive"] for _, r in results]


def _stall_then_note(folder: str) -> None:
    time.sleep(10)
    Path(folder, f"ended-{os.getpid()}").touch()


def stalls_on_exit(ctx: Any, n: int, folder: str) -> Rendered:
    """Make this worker's exit stall for ten seconds, after which it notes that it ended by itself."""
    multiprocessing.util.Finalize(None, _stall_then_note, args=(folder,), exitpriority=0)
    return Rendered((Output(f"n/{n}.txt", str(n).encode()),))


def test_a_retired_worker_whose_exit_stalls_is_killed_not_waited_for(monkeypatch: pytest.MonkeyPatch,
                                                                     tmp_path: Path) -> None:
    monkeypatch.setattr(executor, "WORN", 0)  # every worker retires after its first answer
    monkeypatch.setattr(executor, "WEAR_SECONDS", 0.0)
    monkeypatch.setattr(executor, "RETIRE_SECONDS", 0.2)
    results = run([Job("web", (f"n/{n}.txt",), stalls_on_exit, (n, str(tmp_path))) for n in range(4)], workers=2)
    assert [result.outputs[0].data for _, result in results] == [b"0", b"1", b"2", b"3"]
    assert not list(tmp_path.iterdir())  # none was waited for until it ended by itself
