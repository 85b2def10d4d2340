"""Offline stand-in for the pip bootstrap script ansible-test downloads.

ansible-test creates a virtual environment per sanity test and bootstraps pip in it with
get-pip.py from ci-files.testing.ansible.com, cached as ~/.ansible/test/cache/get_pip_<version>.py.
That host is out of reach here; PyPI is not. This script does the same job: the standard
library's bundled pip (ensurepip), then the packages ansible-test asked for from PyPI.
`make sanity` puts it at the cache path.
"""

from __future__ import annotations

import ensurepip
import os
import subprocess
import sys

# ensurepip points PIP_CONFIG_FILE at /dev/null in this process: the pip run below must see the
# machine's pip configuration (index, CA bundle) as ansible-test's own pip runs do
environment = dict(os.environ)
ensurepip.bootstrap(upgrade=True)
# get-pip.py's own switches (--no-setuptools, --no-wheel) mean "do not install them": nothing to do
packages = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
if packages:
    subprocess.check_call([sys.executable, "-m", "pip", "install", *packages], env=environment)
