"""Process lifetime helpers shared by the launcher and the parse worker."""
import ctypes
import signal

PR_SET_PDEATHSIG = 1


def die_with_parent(signum=signal.SIGTERM):
    """Ask the kernel to send ``signum`` to this process when its parent dies,
    even by SIGKILL (Linux prctl PR_SET_PDEATHSIG; a no-op elsewhere). Meant
    to run in a child: as ``preexec_fn``, or first thing in its ``main``."""
    try:
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signum)
    except (OSError, AttributeError):
        pass
