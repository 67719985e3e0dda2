"""Run the jobs of a plan on a Dask distributed cluster (`build --dask ADDRESS`, or `--dask local` for a
cluster of processes on this machine); results come back in plan order, as from `executor.run`.

The client schedules as the local executor does: a job goes out once the jobs it fans in from are done, with
their facts (and, for a pack, their bytes) as its argument, so an aggregate never makes a worker fetch every
page; the outputs come back to the client, where the writer stages them and the swap publishes them. At most a
few jobs per worker thread are out at a time, so results wait on the client only as long as an earlier job runs.

A worker makes the render context (the model and the Jinja environment) once per build, on its first job of
that build, from the build's spec: the content folder at the same absolute path as on the client (a shared or
copied folder, docs/distributed.md), the day, the theme. Before that it compares its fingerprint (libraries,
Pango and HarfBuzz, fonts, theme and content files: `fingerprint.py`) with the client's and refuses every job
of the build, naming what differs, if they are not equal. Dask is an optional dependency
(`pip install 'liaison[dask]'`), imported only when a build asks for it.
"""
from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import threading
import uuid
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from liaison.build import executor, fingerprint
from liaison.build.config import Config
from liaison.build.plan import Job
from liaison.model.dates import EPOCH_VARIABLE
from liaison.render import Context, Rendered, theme

if TYPE_CHECKING:
    from distributed import Client, Future

LOCAL = "local"  # --dask local: a LocalCluster of processes on this machine
INSTALL = "pip install 'liaison[dask]'"
PER_THREAD = 2  # jobs out at a time per worker thread: one running, one waiting to start


class ClusterError(RuntimeError):
    """--dask cannot be used as asked: Dask is not installed, the scheduler cannot be reached, or a worker's
    environment differs from the client's."""


class WorkerDiffers(ClusterError):
    """A worker's fingerprint is not the client's: it would not render the same bytes."""


@dataclass(frozen=True)
class Spec:
    """What a worker needs to make a build's render context itself, and to check it may."""

    build: str  # an id of this build, unique
    config: Config  # absolute content folder, the build's day, the theme folder the client resolved
    packaged_theme: bool  # theme_dir is the package's default theme: each worker reads its own copy
    make_context: Callable[[Config], Context]  # a module-level function: it pickles by name
    fingerprint: fingerprint.Fingerprint  # the client's
    epoch: str | None  # the client's SOURCE_DATE_EPOCH: outputs are dated by it when set

    def local_config(self) -> Config:
        return dataclasses.replace(self.config, theme_dir=theme.DEFAULT_THEME) if self.packaged_theme else self.config


def require() -> None:
    """ClusterError unless Dask's distributed scheduler can be imported."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise ClusterError(f"--dask 需要 Dask 分布式调度器，但本机没有安装。请运行：{INSTALL}") from None


def run(jobs: Sequence[Job], context: Context, given: Mapping[str, Rendered] | None = None, *,
        address: str, config: Config, make_context: Callable[[Config], Context],
        workers: int | None = None) -> Generator[tuple[Job, Rendered], None, None]:
    """Each job's result, in plan order, rendered on the Dask cluster at `address` (or a LocalCluster of
    `workers` processes, every core by default, for "local"). `context` is the client's, for the build's day
    and theme; a worker makes its own with `make_context` from the spec."""
    given = given or {}
    executor.check_order(jobs, given)
    require()
    spec = _spec(context, config, make_context)
    with _client(address, workers) as client:
        yield from _Schedule(jobs, given, client, client.scatter(spec, broadcast=True, hash=False)).run()


def _spec(context: Context, config: Config, make_context: Callable[[Config], Context]) -> Spec:
    pinned = dataclasses.replace(config, content=config.content.resolve(), today=context.site.today,
                                 theme=context.theme.custom.resolve() if context.theme.custom else None,
                                 theme_dir=config.theme_dir.resolve())
    return Spec(uuid.uuid4().hex, pinned, config.theme_dir == theme.DEFAULT_THEME, make_context,
                fingerprint.fingerprint(pinned.content, context.theme), os.environ.get(EPOCH_VARIABLE))


@contextlib.contextmanager
def _client(address: str, workers: int | None) -> Iterator[Client]:
    from distributed import Client, LocalCluster

    if address == LOCAL:
        try:  # processes, one thread each: WeasyPrint and the QR and font code hold the GIL; a failed
            # job's log line is left out, its error is raised here with the worker's traceback
            cluster = LocalCluster(n_workers=workers or executor.cores(), threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=logging.CRITICAL)
        except (OSError, RuntimeError) as exc:
            raise ClusterError(f"无法在本机启动 Dask 集群（--dask local）：{exc}") from exc
        with cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(address, timeout="30s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(f"无法连接 Dask 调度器“{address}”：{exc}。请检查地址（如 tcp://10.0.0.1:8786）"
                           f"和调度器是否在运行（docs/distributed.md）。") from None
    with client:
        yield client


class _Schedule:
    """The client's side: hands ready jobs to the cluster a few at a time, yields results in plan order."""

    def __init__(self, jobs: Sequence[Job], given: Mapping[str, Rendered], client: Client, spec: Future[Spec]) -> None:
        from distributed import as_completed

        self.jobs = jobs
        self.results = executor.Results(jobs, given)
        self.pending = dict.fromkeys(range(len(jobs)))  # not handed out yet, in plan order (a dict: O(1) removal)
        self.client = client
        self.threads = max(1, sum(client.nthreads().values()))  # asked once: each ask is a call to the scheduler
        self.spec = spec
        self.running: dict[Future[Rendered], int] = {}
        self.finished = as_completed()

    def run(self) -> Iterator[tuple[Job, Rendered]]:
        done: dict[int, Rendered] = {}  # results fetched, not yet yielded
        failed: dict[int, Future[Rendered]] = {}
        for wanted in range(len(self.jobs)):
            while wanted not in done and wanted not in failed:
                self._hand_out()
                future = next(self.finished)
                index = self.running.pop(future)
                if future.status == "finished":
                    done[index] = self.results.add(self.jobs[index], future.result())
                    future.release()  # the worker may forget it
                else:
                    failed[index] = future
            if wanted in failed:
                failed[wanted].result()  # raises the worker's error, in plan order, with its traceback
            yield self.jobs[wanted], done.pop(wanted)

    def _hand_out(self) -> None:
        room = self.threads * PER_THREAD - len(self.running)
        handed: list[int] = []
        for index in self.pending:  # the first ready ones: all but a few aggregates are at the front
            if len(handed) >= room:
                break
            job = self.jobs[index]
            if self.results.ready(job):
                future = self.client.submit(_render, self.spec, job, self.results.upstream(job),
                                            key=f"liaison-{job.key}-{uuid.uuid4().hex}", pure=False)
                self.running[future] = index
                self.finished.add(future)
                handed.append(index)
        for index in handed:
            del self.pending[index]
        if not self.running:
            raise RuntimeError("no job of the plan can start: it fans in from a job that never runs")


# ---- on a worker ----------------------------------------------------------------------------------------

_BUILDS: dict[str, Context | str] = {}  # this worker's render context of the build it serves, or its refusal
_MAKING = threading.Lock()  # a worker with several threads makes it once


def _render(spec: Spec, job: Job, upstream: tuple[Rendered, ...]) -> Rendered:
    return job.run(_context(spec), upstream)


def _context(spec: Spec) -> Context:
    with _MAKING:
        if spec.build not in _BUILDS:
            _BUILDS.clear()  # one build at a time: the last one's model goes
            _BUILDS[spec.build] = _prepare(spec)
        made = _BUILDS[spec.build]
    if isinstance(made, str):
        raise WorkerDiffers(made)
    return made


def _prepare(spec: Spec) -> Context | str:
    """The build's context, or the refusal of a worker whose fingerprint is not the client's."""
    config = spec.local_config()
    ours = fingerprint.fingerprint(config.content, theme.Theme(config.theme, config.theme_dir))
    differs = fingerprint.differences(spec.fingerprint, ours)
    if differs:
        return (f"Dask 工作进程 {_address()} 的环境与本机不同，生成的文件可能与本机生成的不一致，"
                f"已停止生成（工作进程需要什么见 docs/distributed.md）：\n  " + "\n  ".join(differs))
    if spec.epoch is None:  # outputs are dated as on the client
        os.environ.pop(EPOCH_VARIABLE, None)
    else:
        os.environ[EPOCH_VARIABLE] = spec.epoch
    return spec.make_context(config)


def _address() -> str:
    from distributed import get_worker

    try:
        return str(get_worker().address)
    except ValueError:  # not on a worker (a test calling this directly)
        return "（本进程）"
