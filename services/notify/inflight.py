"""A bound on the attempts in flight at once, each in a thread of its own,
so a receiver that hangs holds one slot (until its deadline) and no other
delivery waits behind it."""
import logging
import threading

log = logging.getLogger(__name__)


def _plain_thread(run):
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


class InFlight:
    """``spawn(function)`` runs a function in a thread: in the service the
    container's managed threads (a killed container takes its attempts with
    it, like a killed process), plain threads otherwise."""

    def __init__(self, limit, spawn=None):
        self.limit = limit
        self._spawn = spawn or _plain_thread
        self._changed = threading.Condition()
        self._running = 0  # reserved or started

    def reserve(self, wanted):
        """Up to ``wanted`` slots, now ours (how many: 0 when all are taken)."""
        with self._changed:
            taken = max(0, min(wanted, self.limit - self._running))
            self._running += taken
            return taken

    def release(self, count=1):
        with self._changed:
            self._running -= count
            self._changed.notify_all()

    def start(self, function):
        """Run ``function`` in a slot reserved beforehand, freed when it ends."""
        def run():
            try:
                function()
            except Exception:  # an attempt's failure is its own, never the container's
                log.exception("a delivery attempt failed unexpectedly")
            finally:
                self.release()
        try:
            self._spawn(run)
        except BaseException:
            self.release()
            raise

    def wait_idle(self, timeout=None):
        """Until nothing is in flight; False if ``timeout`` ran out first."""
        with self._changed:
            return self._changed.wait_for(lambda: self._running == 0, timeout)
