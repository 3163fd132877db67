"""gunicorn config (-c): each worker, once booted, creates $READY_DIR/worker-<n> (n = 1, 2, … in
spawn order), so a test can wait-on the last worker and see every pid in the listener table."""
import os


def post_worker_init(worker):
    ready_dir = os.environ["READY_DIR"]
    os.makedirs(ready_dir, exist_ok=True)
    open(os.path.join(ready_dir, f"worker-{worker.age}"), "w").close()
