"""The real aws CLI run against the live server, reading nothing of the machine's AWS configuration:
its config and credentials files live in a temporary directory, and it never retries."""

import os
import subprocess
import sys
from pathlib import Path

AWS = Path(sys.executable).parent / "aws"


def cli_env(home, **variables):
    """The environment of an aws CLI run whose HOME, config and credentials files are in `home`
    (created empty), region us-east-1, one attempt a call; `variables` added (credentials …)."""
    config, credentials = home / "config", home / "credentials"
    config.touch()
    credentials.touch()
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(config),
        "AWS_SHARED_CREDENTIALS_FILE": str(credentials),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_MAX_ATTEMPTS": "1",
        "AWS_RETRY_MODE": "standard",
        **variables,
    }


def run_aws(args, *, env, cwd=None):
    """The CompletedProcess of `aws ARGS` (text output, not checked)."""
    return subprocess.run(
        [str(AWS), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )
