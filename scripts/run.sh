#!/usr/bin/env bash
# Set up everything the project needs, then build the site or run the tests.
#
#   bash scripts/run.sh build [build.py args]   # content/ -> site/ and signage/
#   bash scripts/run.sh test  [pytest args]     # ruff, mypy, then the test suite
#
# Set-up is idempotent: system packages (Debian/Ubuntu, via apt-get when
# running as root), a Python virtualenv in .venv, and `pip install -e .[test]`
# only when pyproject.toml changed since the last install.
set -euo pipefail

# ---------------------------------------------------------------------------
# System packages (Debian/Ubuntu names). This is the ONE place to list them.
# ---------------------------------------------------------------------------
# Needed by both `build` and `test`: WeasyPrint's native libraries and CJK fonts.
SYSTEM_PACKAGES=(
    libpango-1.0-0
    libpangoft2-1.0-0
    libharfbuzz-subset0
    fonts-noto-cjk
    fonts-noto-cjk-extra # heavy serif weights (Noto Serif CJK SC Black)
    fonts-babelstone-han # rare characters of names that Noto CJK lacks (𪚥): Chinese glyph forms, Ext. B to H
)
# Needed only by `test`: Debian's Chromium, which Playwright drives by its path (no browser download).
TEST_SYSTEM_PACKAGES=(
    chromium
    nginx # the built site served by a real web server (the test starts its own, on loopback)
    strace # kills the writer before each of its file system calls in turn (tests/build/test_reliability.py)
)

MIN_PYTHON="3.11"
# Interpreter used to create .venv; override with PYTHON=/path/to/python3.11.
PYTHON="${PYTHON:-python3}"
# Seconds to wait for another apt/dpkg process to release its lock.
APT_LOCK_TIMEOUT=300

REPO_ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$REPO_ROOT/.venv"
VENV_PY="$VENV/bin/python"
STAMP="$VENV/.liaison-install-stamp"

say() { printf '[run.sh] %s\n' "$*" >&2; }
die() {
    printf '[run.sh] 错误：%s\n' "$*" >&2
    exit 1
}

usage() {
    cat >&2 <<'EOF'
用法 / Usage:
  bash scripts/run.sh build [参数...]   构建网站 (site/) 和打印用 PDF (signage/)
  bash scripts/run.sh test  [参数...]   代码检查 (ruff、mypy) 后运行测试 (参数传给 pytest)
EOF
}

# ---------------------------------------------------------------------------
# Step 1: system packages
# ---------------------------------------------------------------------------

# `apt-get update`, retrying while another process holds the package-list lock
# (DPkg::Lock::Timeout only covers the dpkg lock, not /var/lib/apt/lists/lock).
apt_update() {
    local err deadline
    err="$(mktemp)"
    deadline=$((SECONDS + APT_LOCK_TIMEOUT))
    while ! apt-get -q -o DPkg::Lock::Timeout="$APT_LOCK_TIMEOUT" update >/dev/null 2>"$err"; do
        if grep -qi 'lock' "$err" && ((SECONDS < deadline)); then
            say "另一个 apt 进程正在运行，等待中……"
            sleep 5
            continue
        fi
        cat "$err" >&2
        rm -f "$err"
        die "apt-get update 失败（见上方输出）。"
    done
    rm -f "$err"
}

ensure_system_packages() {
    local wanted=("$@") missing=() pkg status
    if ! command -v dpkg-query >/dev/null 2>&1; then
        say "未找到 dpkg-query：本脚本只能在 Debian/Ubuntu 上自动检查系统软件包。"
        say "请用本系统的包管理器安装对应的软件包：${wanted[*]}"
        say "(Pango/HarfBuzz for WeasyPrint, Noto CJK fonts incl. Noto Serif CJK SC Black)"
        exit 1
    fi
    for pkg in "${wanted[@]}"; do
        status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
        [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
    done
    if ((${#missing[@]} == 0)); then
        say "系统软件包已就绪"
        return
    fi

    if [[ "$(id -u)" -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
        say "缺少以下系统软件包：${missing[*]}"
        say "请先运行（需要管理员权限），然后重新执行本命令："
        printf '\n    sudo apt-get update && sudo apt-get install -y --no-install-recommends %s\n\n' \
            "${missing[*]}" >&2
        exit 1
    fi

    say "正在安装系统软件包：${missing[*]}"
    apt_update
    if ! DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout="$APT_LOCK_TIMEOUT" \
        install -y --no-install-recommends "${missing[@]}" >/dev/null; then
        die "安装系统软件包失败：${missing[*]}（见上方输出）。"
    fi
    say "系统软件包安装完成"
}

# ---------------------------------------------------------------------------
# Step 2: Python virtualenv and project install
# ---------------------------------------------------------------------------

# Exit status 0 if the given interpreter is at least MIN_PYTHON.
python_is_new_enough() {
    "$1" -c 'import sys; sys.exit(0 if sys.version_info >= tuple(map(int, sys.argv[1].split("."))) else 1)' \
        "$MIN_PYTHON" 2>/dev/null
}

ensure_venv() {
    local created=0 want have
    if [[ ! -x "$VENV_PY" ]]; then
        command -v "$PYTHON" >/dev/null 2>&1 ||
            die "未找到 $PYTHON。请安装 Python $MIN_PYTHON 或更高版本（Debian/Ubuntu: sudo apt-get install python3 python3-venv）。"
        python_is_new_enough "$PYTHON" ||
            die "需要 Python $MIN_PYTHON 或更高版本，当前 $PYTHON 是 $("$PYTHON" -V 2>&1)。可用 PYTHON=/path/to/python3.11 指定解释器。"
        say "正在创建 Python 虚拟环境 .venv ……"
        "$PYTHON" -m venv "$VENV" ||
            die "创建 .venv 失败。Debian/Ubuntu 上可能需要：sudo apt-get install python3-venv"
        created=1
    fi
    python_is_new_enough "$VENV_PY" ||
        die ".venv 中的 Python 版本过低（$("$VENV_PY" -V 2>&1)，需要 $MIN_PYTHON+）。请删除 .venv 后重试。"

    want="$("$VENV_PY" -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' \
        "$REPO_ROOT/pyproject.toml")"
    have="$(cat "$STAMP" 2>/dev/null || true)"
    if [[ "$want" == "$have" ]]; then
        say "Python 环境已就绪 (.venv)"
        return
    fi

    if ((created)); then
        say "正在安装 Python 依赖（首次可能需要几分钟）……"
    else
        say "pyproject.toml 有变化（或尚未安装），正在安装 Python 依赖……"
    fi
    rm -f "$STAMP"
    (cd "$REPO_ROOT" && "$VENV_PY" -m pip install -q --disable-pip-version-check -e '.[test]') ||
        die "pip 安装失败（见上方输出）。修复后重新运行即可。"
    printf '%s\n' "$want" >"$STAMP"
    say "Python 依赖安装完成"
}

# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------

cmd="${1:-}"
case "$cmd" in
build)
    shift
    ensure_system_packages "${SYSTEM_PACKAGES[@]}"
    ensure_venv
    cd "$REPO_ROOT"
    exec "$VENV_PY" build.py "$@"
    ;;
test)
    shift
    ensure_system_packages "${SYSTEM_PACKAGES[@]}" ${TEST_SYSTEM_PACKAGES[@]+"${TEST_SYSTEM_PACKAGES[@]}"}
    ensure_venv
    cd "$REPO_ROOT"
    # The static checks first: each is quick, and a failure stops here naming which check failed.
    say "检查 1/4：ruff（代码规范和常见错误）"
    "$VENV_PY" -m ruff check . ||
        die "ruff 检查未通过（见上方列出的问题）；其中标 [*] 的可用 .venv/bin/ruff check --fix . 自动修复。"
    say "检查 2/4：mypy（类型检查）"
    "$VENV_PY" -m mypy ||
        die "mypy 类型检查未通过（见上方列出的问题）。"
    say "检查 3/4：import-linter（各阶段只引用其下的阶段）"
    "$VENV/bin/lint-imports" ||
        die "分层检查未通过：有模块引用了流水线中在它之后的阶段（见上方；规则在 pyproject.toml 的 [tool.importlinter]）。"
    say "检查 4/4：pytest（测试）"
    # Each xdist worker, and each command or build a test starts in a process of its own, imports the package and
    # the tests: compiled once into __pycache__ (ignored by git), not again on every run. An environment that turns
    # bytecode off (PYTHONDONTWRITEBYTECODE, as container images often do) cost each worker some 3 s of collection.
    unset PYTHONDONTWRITEBYTECODE
    rc=0
    # -n auto: one worker per core (pytest-xdist); a later -n in the arguments wins (-n 0: one process).
    # --dist worksteal: a worker that runs out takes tests queued for the other, so long builds do not leave
    # one core idle at the end.
    "$VENV_PY" -m pytest -n auto --dist worksteal "$@" || rc=$?
    if ((rc == 5)); then
        say "错误：没有收集到任何测试 (pytest exit 5)。请检查 tests/ 目录或传入的参数。"
        exit 1
    fi
    exit "$rc"
    ;;
*)
    usage
    exit 2
    ;;
esac
