"""The resident search server (tuireader.server): a forwarded command prints what it would
have printed in its own process, sees the library as it is now, and a missing, dead or
foreign server never costs an answer."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tuireader.server import address, client, serve


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    write(root, "a.txt", "Harbour works\n\nThe harbour wall was rebuilt after the storm.\n")
    write(root, "sub/b.md", "# Ferry times\n\nThe ferry to the island leaves at noon.\n")
    return root


def env(**extra: str) -> dict[str, str]:
    return {**os.environ, "TUIREADER_SERVER": "auto", **extra}


def tuireader(*args: str, server: bool = True, **extra: str) -> subprocess.CompletedProcess:
    mode = {} if server else {"TUIREADER_SERVER": "off"}
    return subprocess.run(
        [sys.executable, "-m", "tuireader", *args],
        env=env(**{**extra, **mode}),
        capture_output=True,
        text=True,
        timeout=120,
    )


def wait_for(check, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


def status() -> dict | None:
    os.environ["TUIREADER_SERVER"] = "auto"  # monkeypatched by conftest: restored after
    return client.control("status")


def start_server(idle: float) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tuireader.server"],
        env=env(TUIREADER_SERVER_IDLE=str(idle)),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.fixture
def server():
    """A server for this test's XDG folders, stopped (or killed) afterwards."""
    proc = start_server(60)
    wait_for(lambda: status() is not None)
    yield proc
    if proc.poll() is None:
        client.control("stop")
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def servers_of_this_setup() -> list[int]:
    """Pids of `tuireader.server` processes started with this test's runtime folder: seen
    from the moment they are started, before they import anything or make a socket."""
    ours = os.environ["XDG_RUNTIME_DIR"].encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            environ = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"tuireader.server" in cmdline and b"XDG_RUNTIME_DIR=" + ours in environ:
            found.append(int(entry.name))
    return found


def served() -> int:
    found = status()
    assert found is not None
    return int(found["served"])


def test_a_forwarded_search_prints_what_its_own_process_prints(lib: Path, server) -> None:
    assert tuireader("--library", str(lib), "index", server=False).returncode == 0
    for args in (
        ["search", "harbour", "--plain"],
        ["search", "harbour", "--json"],
        ["search", "nothingmatches"],  # exit 1, "0 results" on stderr
        ["search", "title:("],  # an unusable query: exit 2
        ["list", "--plain"],
        ["related", "a.txt", "--json"],
        ["saved", "run", "nosuchsearch"],  # exit 1 and its message
    ):
        before = served()
        here = tuireader("--library", str(lib), *args, server=False)
        there = tuireader("--library", str(lib), *args)
        assert served() == before + 1, args  # it did go to the server
        assert (there.returncode, there.stdout, there.stderr) == (
            here.returncode,
            here.stdout,
            here.stderr,
        ), args


def test_the_server_sees_files_added_and_rewritten_since_it_started(lib: Path, server) -> None:
    assert tuireader("--library", str(lib), "search", "harbour").returncode == 0
    write(lib, "new/c.txt", "Lighthouse keepers\n\nA lighthouse keeper's logbook.\n")
    found = tuireader("--library", str(lib), "search", "lighthouse", "--plain")
    assert found.returncode == 0 and "Lighthouse keepers" in found.stdout
    path = lib / "a.txt"
    folder = path.parent.stat()
    path.write_text("Harbour works\n\nThe quay was paved with granite setts.\n", "utf-8")
    os.utime(path.parent, ns=(folder.st_atime_ns, folder.st_mtime_ns))  # as `echo >` does
    found = tuireader("--library", str(lib), "search", "harbour", "--json")
    hit = json.loads(found.stdout)["hits"][0]
    assert "granite" in hit["snippet"] and "storm" not in hit["snippet"]
    assert served() == 3


def test_a_relative_library_is_the_callers_folder_not_the_servers(
    lib: Path, server, tmp_path: Path
) -> None:
    other = tmp_path / "elsewhere" / "lib"
    write(other, "z.txt", "Orchards\n\nApple orchards in the valley.\n")
    for folder, word, title in (
        (lib.parent, "ferry", "Ferry times"),
        (other.parent, "apple", "Orchards"),
    ):
        found = subprocess.run(
            [sys.executable, "-m", "tuireader", "--library", "lib", "search", word, "--plain"],
            env=env(),
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert found.returncode == 0 and title in found.stdout, found.stderr
    assert served() == 2


def test_the_check_for_started_servers_sees_one_at_once(lib: Path) -> None:
    """The helper the "starts nothing" tests rely on does see a server the moment the
    command that starts it has exited."""
    assert tuireader("--library", str(lib), "search", "ferry").returncode == 0
    started = servers_of_this_setup()
    assert len(started) == 1
    wait_for(lambda: status() is not None)
    client.control("stop")
    wait_for(lambda: not servers_of_this_setup())


def test_a_long_runtime_folder_falls_back_to_a_short_socket_path() -> None:
    env = {"XDG_RUNTIME_DIR": "/run/" + "x" * 120}
    assert address.runtime_dir(env) == f"/tmp/tuireader-{os.getuid()}"
    assert len(os.fsencode(address.socket_path(env))) <= address.MAX_SOCKET_PATH
    assert address.runtime_dir({"XDG_RUNTIME_DIR": "/run/user/1000"}) == "/run/user/1000/tuireader"


def test_a_request_runs_in_the_callers_time_zone_and_the_server_keeps_its_own(
    monkeypatch,
) -> None:
    def command(_argv):
        print(time.tzname[0])

    monkeypatch.setattr("tuireader.cli.commands.run", command)
    before = time.tzname
    answer = serve.run_request({"argv": ["list"], "cwd": "/", "env": {"TZ": "XYZ-5"}})
    assert answer["stdout"].strip() == "XYZ"
    assert time.tzname == before


def test_a_dead_servers_socket_costs_nothing_and_a_new_server_starts(lib: Path, server) -> None:
    server.send_signal(signal.SIGKILL)
    server.wait(10)
    assert os.path.exists(address.socket_path(os.environ))  # left behind
    found = tuireader("--library", str(lib), "search", "ferry", "--plain")
    assert found.returncode == 0 and "Ferry times" in found.stdout
    wait_for(lambda: status() is not None)  # started by that command, in the background
    assert tuireader("--library", str(lib), "search", "ferry").returncode == 0
    assert served() == 1
    client.control("stop")
    wait_for(lambda: not os.path.exists(address.socket_path(os.environ)))


def test_server_off_runs_in_process_and_starts_nothing(lib: Path) -> None:
    found = tuireader("--library", str(lib), "search", "ferry", "--plain", server=False)
    assert found.returncode == 0 and "Ferry times" in found.stdout
    assert servers_of_this_setup() == []  # a started one would be seen at once
    assert not os.path.exists(address.socket_path(os.environ))


def test_server_false_in_the_config_starts_nothing(lib: Path) -> None:
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "tuireader" / "config.toml"
    write(config.parent, config.name, "server = false\n")
    assert tuireader("--library", str(lib), "search", "ferry").returncode == 0
    assert servers_of_this_setup() == []
    assert status() is None and not os.path.exists(address.socket_path(os.environ))


def test_status_and_stop_from_the_command_line(server) -> None:
    shown = tuireader("server", "status", "--json")
    data = json.loads(shown.stdout)
    assert data["running"] and data["pid"] == server.pid
    assert "stopped" in tuireader("server", "stop").stdout
    server.wait(10)
    assert "not running" in tuireader("server", "status").stdout


def test_an_idle_server_leaves(lib: Path) -> None:
    proc = start_server(1)
    assert proc.wait(60) == 0
    assert not os.path.exists(address.socket_path(os.environ))


def test_a_second_server_for_the_same_setup_leaves_at_once(server) -> None:
    second = subprocess.run(
        [sys.executable, "-m", "tuireader.server"], env=env(), timeout=60, capture_output=True
    )
    assert second.returncode == 1 and status()["pid"] == server.pid


def test_what_is_forwarded() -> None:
    assert client.command_of(["--library", "x", "search", "a"]) == ("search",)
    assert client.command_of(["--library=x", "saved", "run", "n"]) == ("saved", "run")
    assert client.command_of(["search", "--help"]) is None
    assert client.command_of(["--version"]) is None
    assert client.command_of([]) is None  # the reader
    assert client.forwardable(["search", "word"]) and client.forwardable(["related", "a1"])
    for args in (["add", "http://x"], ["index"], ["saved", "add", "n", "q"], ["highlight"]):
        assert not client.forwardable(args), args


def test_the_server_declines_other_code_other_setups_and_other_commands(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    write(package, "mod.py", "x = 1\n")
    srv = serve.Server(tmp_path / "s.sock", package=package)
    ok = {
        "v": 1,
        "argv": ["search", "x"],
        "cwd": str(tmp_path),
        "env": {},
        "identity": address.identity(os.environ),
    }
    assert srv._declines(ok) is None
    assert srv._declines({**ok, "identity": {**ok["identity"], "HOME": "/elsewhere"}})
    assert srv._declines({**ok, "argv": ["add", "http://example.org/"]})
    assert srv._declines({**ok, "argv": "search x"})
    assert srv._declines({**ok, "v": 2})
    time.sleep(0.01)
    write(package, "mod.py", "x = 2\n")  # an upgrade on disk
    assert srv._declines(ok) == "code changed"


def test_a_folder_others_can_enter_is_not_used(tmp_path: Path) -> None:
    folder = tmp_path / "run"
    assert address.private_dir(folder, create=True)
    folder.chmod(0o755)
    assert not address.private_dir(folder, create=False)


def test_a_terminal_caller_gets_the_table_and_a_pipe_gets_records(lib: Path) -> None:
    assert tuireader("--library", str(lib), "index", server=False).returncode == 0
    request = {"argv": ["--library", str(lib), "search", "harbour"], "cwd": "/", "env": {}}
    table = serve.run_request({**request, "tty": True, "columns": 100})
    records = serve.run_request({**request, "tty": False})
    assert table["code"] == records["code"] == 0
    assert "\t" in records["stdout"] and "a.txt" not in records["stdout"]
    assert "\t" not in table["stdout"] and "a.txt" in table["stdout"]  # the path line


def test_the_server_sees_an_edit_in_place_that_no_hit_shows(lib: Path, server) -> None:
    """In its own process a search trusts the folders' times for two minutes, so a file
    rewritten in place is missed unless it is among the hits; the server watches."""
    old = time.time() - 3600
    for folder in (lib, lib / "sub"):
        os.utime(folder, (old, old))
    assert tuireader("--library", str(lib), "search", "ferry").returncode == 0  # walks, watches
    time.sleep(1.0)  # the watch is up
    path = lib / "sub" / "b.md"
    folder = path.parent.stat()
    path.write_text("# Ferry times\n\nA lighthouse stands by the ferry slip.\n", "utf-8")
    os.utime(path.parent, ns=(folder.st_atime_ns, folder.st_mtime_ns))
    wait_for(lambda: status()["changes_seen"] >= 1)
    found = tuireader("--library", str(lib), "search", "lighthouse", "--plain")
    assert found.returncode == 0 and "Ferry times" in found.stdout


def test_server_false_written_while_a_server_runs_makes_it_leave(lib: Path, server) -> None:
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "tuireader" / "config.toml"
    write(config.parent, config.name, "server = false\n")
    found = tuireader("--library", str(lib), "search", "ferry", "--plain")
    assert found.returncode == 0 and "Ferry times" in found.stdout  # answered here
    assert server.wait(10) == 0
    assert servers_of_this_setup() == [] and status() is None  # and none started again


def test_the_pool_keeps_services_of_its_own_cache_only(tmp_path: Path) -> None:
    from tuireader.search import service_pool

    service_pool.keep_open(cache_root=tmp_path / "cache")
    try:
        lib = tmp_path / "lib"
        one = service_pool.get(lib, tmp_path / "cache" / "libraries" / "x")
        assert service_pool.get(lib, tmp_path / "cache" / "libraries" / "x") is one
        temporary = service_pool.get(lib, tmp_path / "elsewhere")  # a read-only cache's stand-in
        assert service_pool.get(lib, tmp_path / "elsewhere") is not temporary
        assert service_pool.kept() == [lib.resolve()]
    finally:
        service_pool.close_all()
