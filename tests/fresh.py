"""Our own Python in a fresh interpreter: for what is read once at start-up (the
settings, the environment) and for commands run as an operator runs them."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run_python(
    *args: str, env: dict[str, str], cwd: Path = REPO, timeout: float
) -> subprocess.CompletedProcess:
    """``python args`` in ``cwd``, ``env`` its whole environment, its output captured."""
    return subprocess.run(  # noqa: S603 - our own interpreter on our own code
        [sys.executable, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def manage(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    """``manage.py args`` as an operator runs it: this environment with ``env`` over it,
    without the repository's .env and without DJANGO_SETTINGS_MODULE."""
    full_env = {**os.environ, "PYTHON_DOTENV_DISABLED": "1", **env}
    full_env.pop("DJANGO_SETTINGS_MODULE", None)
    return run_python("manage.py", *args, env=full_env, timeout=timeout)
