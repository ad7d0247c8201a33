"""ferry's help, version, completion scripts and man page, as a user meets
them: every command and subcommand answers -h, -help and --help on stdout
with exit 0 wherever the flag stands, and lists each of its options; the
completion scripts complete in a real bash (and zsh); the man page renders
without warnings."""
import os
import pathlib
import re
import shutil
import subprocess

import pytest

FERRY = os.environ["FERRY_BIN"]
SOURCE = pathlib.Path(os.environ["FERRY_SOURCE_DIR"])

AWS_GLOBAL = ["--region", "--endpoint-url", "--profile", "--debug", "--no-paginate", "--output",
              "--cli-read-timeout", "--cli-connect-timeout"]
# Every command path and the options its help must mention.
COMMANDS = {
    "": ["--region", "--endpoint-url", "--profile", "--version", "-version"],
    "run": ["-resume", "-profile", "-c", "-config", "-work-dir", "-w", "-bucket-dir", "-with-trace", "-ansi-log",
            "-params-file", "-preview", "-stub-run", "-with-report", "-with-timeline", "-with-dag"],
    "log": ["-f", "-fields", "-filter", "-F", "--json", "-json", "-with-report", "-with-timeline"],
    "clean": ["-n", "-f", "-c", "-config", "-profile"],
    "kill": ["-c", "-config", "-profile"],
    "config": [],
    "config show": ["-profile", "-c"],
    "s3": AWS_GLOBAL,
    "s3 cp": ["--recursive", "--quiet", "--only-show-errors", "--no-progress", "--exclude", "--include", "--dryrun",
              "--expected-size", "--max-concurrent-requests"] + AWS_GLOBAL,
    "s3 ls": ["--recursive", "--human-readable", "--summarize"] + AWS_GLOBAL,
    "s3 sync": ["--delete", "--quiet", "--only-show-errors", "--no-progress", "--exclude", "--include", "--dryrun",
                "--size-only", "--max-concurrent-requests"] + AWS_GLOBAL,
    "s3 rm": ["--recursive", "--quiet", "--only-show-errors", "--exclude", "--include", "--dryrun"] + AWS_GLOBAL,
    "s3 mb": AWS_GLOBAL,
    "build": ["--local", "--aws-batch", "--exec", "--cpus", "--memory", "--aws-batch-s3-bucket", "--aws-batch-job",
              "--aws-batch-queue", "--aws-batch-cpus", "--aws-batch-memory", "--aws-batch-cli",
              "--exclude-from-upload", "--download", "--exclude-from-download", "--no-download", "--no-logs",
              "--forward-aws-credentials", "--detach", "--attach", "--cancel", "--runnable-warning", "--list",
              "--json", "--region", "--profile", "--endpoint-url"],
    "aws": AWS_GLOBAL,
    "aws whoami": AWS_GLOBAL,
    "aws setup": ["--name", "--bucket", "--expire-days", "--max-vcpus", "--instance-types", "--spot", "--disk",
                  "--nvme", "--image", "--subnets", "--security-group", "--dry-run", "--json", "--region",
                  "--endpoint-url", "--profile"],
    "aws check": ["--name", "--json", "--region", "--endpoint-url", "--profile"],
    "aws teardown": ["--name", "--yes", "--delete-data", "--dry-run", "--json", "--region", "--endpoint-url",
                     "--profile"],
    "measure": ["--check"],
    "help": [],
    "version": [],
    "completion": [],
    "man": [],
}


def ferry(*args, cwd=None):
    env = dict(os.environ, AWS_EC2_METADATA_DISABLED="true")
    return subprocess.run([FERRY, *args], capture_output=True, text=True, timeout=60, cwd=cwd, env=env)


def mentions(text, option):
    return re.search(r"(^|[\s,\[])" + re.escape(option) + r"($|[\s,=\]])", text, re.M) is not None


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: p or "ferry")
@pytest.mark.parametrize("spelling", ["-h", "-help", "--help"])
def test_help_of_every_command_lists_its_options(path, spelling):
    words = path.split()
    for args in (words + [spelling], [spelling] + words, words + ["-bogus", spelling, "extra"]):
        if not words and args[0] == "-bogus":
            continue
        p = ferry(*args)
        assert p.returncode == 0, f"{args}: exit {p.returncode}\n{p.stderr}"
        assert p.stderr == ""
        assert p.stdout.startswith("usage: ferry " + path), f"{args}:\n{p.stdout}"
        for option in COMMANDS[path] + ["-h", "-help", "--help"]:
            assert mentions(p.stdout, option), f"{args}: {option} missing in\n{p.stdout}"


def test_overview_lists_every_command():
    p = ferry("help")
    assert p.returncode == 0
    listed = re.findall(r"^  (\S+)  ", p.stdout.split("commands:")[1].split("options:")[0], re.M)
    assert listed == ["run", "log", "clean", "kill", "config", "s3", "build", "aws", "measure", "help", "version",
                      "completion", "man"]


def test_help_command_matches_the_commands_own_help():
    assert ferry("help", "run").stdout == ferry("run", "--help").stdout
    assert ferry("help", "s3", "cp").stdout == ferry("s3", "cp", "-h").stdout
    assert "usage: ferry config show" in ferry("help", "config", "show").stdout
    p = ferry("help", "s3", "cpp")
    assert p.returncode == 2
    assert "unknown command 's3 cpp'" in p.stderr and "did you mean 'cp'" in p.stderr


def test_help_after_workflow_args_belongs_to_the_workflow(tmp_path):
    p = ferry("build", "--local", str(tmp_path / "missing"), "--", "--help")
    assert p.returncode == 2
    assert "does not exist" in p.stderr and "usage:" not in p.stdout


def test_version_is_the_cmake_project_version():
    want = re.search(r"project\(ferry VERSION ([0-9.]+)", (SOURCE / "CMakeLists.txt").read_text()).group(1)
    for args in (["version"], ["--version"], ["-version"], ["--version", "run", "."]):
        p = ferry(*args)
        assert (p.returncode, p.stdout) == (0, f"ferry {want}\n"), args


@pytest.mark.parametrize("args,option,suggestion", [
    (["log", "-x"], "-x", None),
    (["s3", "cp", "--recursiv", "a", "b"], "--recursiv", "--recursive"),
    (["aws", "whoami", "--regoin", "x"], "--regoin", "--region"),
    (["config", "show", "-profiles", "x"], "-profiles", "-profile"),
    (["completion", "bash", "-zsh"], "-zsh", None),
])
def test_unknown_option_is_named_with_a_hint_and_the_help_to_read(args, option, suggestion):
    p = ferry(*args)
    assert p.returncode == 2
    assert f"unknown option '{option}'" in p.stderr
    assert f"ferry {' '.join(args[:2] if args[0] in ('s3', 'aws', 'config') else args[:1])} --help" in p.stderr
    if suggestion:
        assert f"did you mean '{suggestion}'" in p.stderr


def test_completion_needs_a_known_shell():
    p = ferry("completion", "fish")
    assert p.returncode == 2 and "bash and zsh" in p.stderr
    assert ferry("completion").returncode == 2


@pytest.fixture
def completion_dir(tmp_path):
    (tmp_path / "conf.config").write_text("")
    (tmp_path / "confdir").mkdir()
    (tmp_path / "other.txt").write_text("")
    script = tmp_path / "ferry.bash"
    script.write_text(ferry("completion", "bash").stdout)
    return tmp_path


def bash_complete(directory, *words):
    """Candidates bash's ferry completion offers with the cursor on the last word."""
    quoted = " ".join("'" + w + "'" for w in ("ferry",) + words)
    code = (f"source ferry.bash; COMP_WORDS=({quoted}); COMP_CWORD={len(words)}; _ferry; "
            'printf "%s\\n" "${COMPREPLY[@]}"')
    p = subprocess.run(["bash", "--norc", "--noprofile", "-c", code], cwd=directory, capture_output=True, text=True,
                       timeout=60)
    assert p.returncode == 0, p.stderr
    return sorted(l for l in p.stdout.splitlines() if l)


@pytest.mark.parametrize("words,want", [
    (("ru",), ["run"]),
    (("",), ["aws", "build", "clean", "completion", "config", "help", "kill", "log", "man", "measure", "run", "s3",
             "version"]),
    (("run", "-re"), ["-resume"]),
    (("run", "-ansi-log", ""), ["false", "true"]),
    (("run", "-c", "con"), ["conf.config", "confdir"]),
    (("run", "-w", ""), ["confdir"]),
    (("s3", ""), ["cp", "ls", "mb", "rm", "sync"]),
    (("s3", "cp", "--rec"), ["--recursive"]),
    (("--region", "eu-west-1", "s3", "l"), ["ls"]),
    (("build", "--aws-batch-q"), ["--aws-batch-queue"]),
    (("build", "--local", ""), ["confdir"]),
    (("config", "show", "-pr"), ["-profile"]),
    (("aws", ""), ["check", "setup", "teardown", "whoami"]),
    (("aws", "setup", "--ex"), ["--expire-days"]),
    (("aws", "teardown", "--de"), ["--delete-data"]),
    (("completion", ""), ["bash", "zsh"]),
    (("help", "s"), ["s3"]),
    (("run", "-profile", ""), []),
])
def test_bash_completion(completion_dir, words, want):
    assert bash_complete(completion_dir, *words) == want


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: p or "ferry")
def test_bash_completion_offers_every_option_of_the_command(completion_dir, path):
    offered = bash_complete(completion_dir, *path.split(), "-")
    missing = set(COMMANDS[path] + ["-h", "-help", "--help"]) - set(offered)
    assert not missing, f"ferry {path} -<TAB> lacks {sorted(missing)}"


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed (scripts/install-deps.sh installs it)")
def test_zsh_completion(tmp_path):
    script = tmp_path / "_ferry"
    script.write_text(ferry("completion", "zsh").stdout)
    assert subprocess.run(["zsh", "-n", str(script)], capture_output=True, text=True).returncode == 0
    (tmp_path / "confdir").mkdir()

    def complete(*words):
        # compadd and _files stand in for zsh's completion system and print
        # what they are given.
        arr = " ".join("'" + w + "'" for w in ("ferry",) + words)
        code = ("compadd() { [[ $1 == -- ]] && shift; print -rl -- \"$@\"; }; "
                "_files() { print -r -- \"<files $*>\"; }; "
                f"source {script}; words=({arr}); CURRENT={len(words) + 1}; _ferry")
        p = subprocess.run(["zsh", "-f", "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60)
        assert p.returncode == 0, p.stderr
        return p.stdout.split()

    assert "run" in complete("") and "s3" in complete("")
    assert "-resume" in complete("run", "-")
    assert complete("run", "-work-dir", "") == ["<files", "-/>"]
    assert complete("run", "-c", "") == ["<files", ">"]
    assert complete("s3", "") == ["cp", "ls", "sync", "rm", "mb"]
    assert complete("run", "-ansi-log", "") == ["true", "false"]


# Types LINE and TAB into an interactive zsh on a pseudo-terminal, once
# compinit and the script are loaded, and prints the screen until UNTIL shows
# (or 20 s pass).
ZPTY_DRIVER = r"""
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z 'autoload -Uz compinit; compinit -u -d $ZDOT/.zcompdump; source $ZDOT/_ferry; PS1="> "; print LOA""DED'
zpty -r z out '*LOADED*'
zpty -w z "$LINE"$'\t'
out=""
for i in {1..200}; do
  if zpty -r -t z chunk; then out+=$chunk; else sleep 0.1; fi
  [[ $out == *$UNTIL* ]] && break
done
print -r -- "$out"
zpty -d z
"""


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed (scripts/install-deps.sh installs it)")
@pytest.mark.parametrize("line,until,shown", [
    ("ferry s3 ", "sync", r"cp\s+ls\s+mb\s+rm\s+sync"),      # candidates listed
    ("ferry run -res", "-resume", r"ferry run -resume"),      # the only candidate inserted
])
def test_zsh_completion_in_an_interactive_shell(tmp_path, line, until, shown):
    (tmp_path / "_ferry").write_text(ferry("completion", "zsh").stdout)
    (tmp_path / "drive.zsh").write_text(ZPTY_DRIVER)
    env = dict(os.environ, ZDOT=str(tmp_path), LINE=line, UNTIL=until, TERM="xterm")
    p = subprocess.run(["zsh", "-f", str(tmp_path / "drive.zsh")], capture_output=True, text=True, timeout=60,
                       env=env, cwd=tmp_path)
    screen = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|[\r\x07\x08]", "", p.stdout)
    assert re.search(shown, screen), screen


def test_man_page_renders_without_warnings(tmp_path):
    page = tmp_path / "ferry.1"
    p = ferry("man")
    assert p.returncode == 0
    page.write_text(p.stdout)
    g = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z", str(page)], capture_output=True, text=True)
    assert (g.returncode, g.stderr) == (0, "")
    env = dict(os.environ, MANWIDTH="100", MANPAGER="cat", PAGER="cat")
    m = subprocess.run(["man", "--warnings", "-l", str(page)], capture_output=True, text=True, env=env)
    assert m.returncode == 0 and m.stderr == "", m.stderr
    text = re.sub(r".\x08", "", m.stdout)
    for path, options in COMMANDS.items():
        assert ("ferry " + path).strip() in text
        for option in options:
            assert option in text, f"{option} of '{path}' missing from the man page"
