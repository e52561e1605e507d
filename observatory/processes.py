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


def release_freed_memory():
    """Hand the heap memory freed since (an import's working set) back to the
    operating system (glibc malloc_trim; a no-op elsewhere): otherwise the
    process stays at its peak size, whatever it keeps."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass
