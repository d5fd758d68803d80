"""Whiteboard saves and history: 500-element autosave latency and bytes, and snapshot storage
for a simulated 45-minute session. Needs PostgreSQL (DATABASE_URL); run `make bench`."""

from __future__ import annotations

import asyncio
import json
import os
import random
import time
from datetime import timedelta
from unittest import mock

import common
from autosave_load import prepare_sessions
from scene_factory import make_scene

from rubric.stages import STAGES

SAVES = 60


async def save_loop(base: str, spec: dict, scene: dict) -> tuple[list[float], list[int]]:
    http = common.KeepAliveClient(base, spec["cookies"])
    headers = {"Content-Type": "application/json", "X-CSRFToken": spec["csrf"]}
    latencies, sizes = [], []
    version = 0
    for i in range(SAVES):
        scene["elements"][i % len(scene["elements"])]["version"] += 1  # one edit per save
        body = json.dumps({"scene": scene, "version": version}, separators=(",", ":")).encode()
        start = time.perf_counter()
        status, payload = await http.request(
            "POST", f"/attempts/{spec['attempt']}/whiteboard/", body, headers
        )
        latencies.append(time.perf_counter() - start)
        sizes.append(len(body))
        assert status == 200, payload
        version = json.loads(payload)["version"]
    await http.close()
    return latencies, sizes


def simulate_session_history() -> None:
    """45 minutes of drawing: an edit every 5 s, a stage change every 7.5 min, 20 s snapshot throttle."""
    from django.contrib.auth.models import User
    from django.utils import timezone

    from interviews import whiteboards
    from interviews.models import Attempt, Question, WhiteboardSnapshot
    from interviews.services import attempt_start

    user, _ = User.objects.get_or_create(username="bench-history")
    attempt = attempt_start(user=user, question=Question.objects.get(slug="ad-click-prediction"))
    scene = {"elements": [], "appState": {}, "files": {}}
    grown = make_scene(300)["elements"]
    clock = timezone.now()
    stages = list(STAGES)
    full_copies = 0
    random.seed(3)
    with mock.patch.object(whiteboards.timezone, "now", lambda: clock):
        for step in range(45 * 60 // 5):
            clock += timedelta(seconds=5)
            if len(scene["elements"]) < len(grown):  # the board grows, then gets edited
                scene["elements"] += grown[len(scene["elements"]) : len(scene["elements"]) + 2]
            for element in random.sample(scene["elements"], min(3, len(scene["elements"]))):
                element["version"] += 1
            Attempt.objects.filter(pk=attempt.pk).update(current_stage=stages[min(step // 90, 5)])
            whiteboards.Whiteboard.objects.filter(attempt=attempt).update(scene=scene)
            whiteboards.whiteboard_snapshot(attempt_id=attempt.pk)
            full_copies += len(json.dumps(scene["elements"], separators=(",", ":")))
    snapshots = list(WhiteboardSnapshot.objects.filter(attempt=attempt))
    stored = sum(s.size_bytes for s in snapshots)
    frames = whiteboards.replay_scenes(snapshots)
    assert len(frames[-1]["elements"]) == len(scene["elements"])
    print(f"45-minute session: {45 * 60 // 5} board saves → {len(snapshots)} snapshots "
          f"({sum(s.is_keyframe for s in snapshots)} keyframes), {stored / 1024:.0f} kB stored "
          f"vs {full_copies / 1024 / 1024:.1f} MB for a full copy per save")  # fmt: skip


def main() -> None:
    assert os.environ.get("DATABASE_URL", "").startswith("postgres"), "set DATABASE_URL"
    spec = prepare_sessions(1)[0]
    env = {"CHALKTALK_ENV": "development", "DEBUG": "false", "ALLOWED_HOSTS": "127.0.0.1"}
    with common.served_app(env, workers=1) as base:
        scene = make_scene(500)
        latencies, sizes = asyncio.run(save_loop(base, spec, scene))
    print(
        f"{common.summary('autosave of a 500-element scene', latencies)}; {sum(sizes) / len(sizes) / 1024:.0f} kB sent per save"
    )
    simulate_session_history()


if __name__ == "__main__":
    main()
