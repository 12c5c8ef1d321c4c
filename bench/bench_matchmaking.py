"""The B2B matchmaking scheduler on generated sessions: CP-SAT against the greedy baseline.
Prints figures; asserts nothing.

Instances (fixed seed), all over two days:
  a        50 participants, 10 slots a day,   500 requests, 20 tables
  b       150 participants, 15 slots a day, 1,000 requests, 40 tables
  c       300 participants, 20 slots a day, 2,000 requests, 60 tables
  crowded 100 participants,  8 slots a day,   600 requests, 20 tables, most people away for
          half of each day: shared slots are scarce and first-fit takes the ones others needed
Generated like a brokerage event: two sides (the delegation, 40%, and the visiting companies),
requests only across sides, popular participants asked more (up to about 70% of their
available slots while that allows the requested total); 10-20% of each participant's slots
missing, and each day a 10% chance (crowded: 80%) of being away for half of it; some of the
delegation at their own booth (at most a third of the tables); a third with a meeting limit
(6-12); about 10% of requests "must" (weight 3), 15% mutual (weight 2), the rest weight 1.

Per instance: requests placed by greedy and by CP-SAT, the weighted objective, CP-SAT's phase-1
status and gap, seconds (phase 1 + phase 2), idle slots per participant (mean and max).
Target: instance c proven optimal in phase 1 within 60 s on two cores.

Environment: BENCH_SOLVER_SECONDS (phase 1 limit, default 60), BENCH_PHASE2_SECONDS (default
30), BENCH_SOLVER_WORKERS (default 2), BENCH_INSTANCES (e.g. "a,crowded"; default all).
Runs without a database: `.venv/bin/python bench/bench_matchmaking.py` (or `make bench`).
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matchmaking.solver import Participant, Problem, Request, greedy, solve  # noqa: E402

SEED = 20260415
SKEW = 0.3
INSTANCES = {
    # name: (participants, slots a day, requests, tables)
    "a": (50, 10, 500, 20),
    "b": (150, 15, 1000, 40),
    "c": (300, 20, 2000, 60),
    "crowded": (100, 8, 600, 20),
}
AWAY = {"crowded": 0.8}  # chance to be away for half of a day, each day (default 0.1)


def generate(
    participants: int, per_day: int, requests: int, tables: int, seed: int, away: float = 0.1
) -> Problem:
    rng = random.Random(seed)
    slot_days = tuple(day for day in range(2) for _ in range(per_day))
    n_slots = len(slot_days)
    delegation = list(range(1, participants * 2 // 5 + 1))
    visitors = list(range(participants * 2 // 5 + 1, participants + 1))
    table_keys = tuple(range(1, tables + 1))
    booths = iter(table_keys[: tables // 3])  # at most a third of the tables are booths
    people = []
    for key in delegation + visitors:
        slots = set(range(n_slots))
        for day in range(2):
            if rng.random() < away:  # away for half of that day
                start = day * per_day + rng.randrange(2) * (per_day // 2)
                slots -= set(range(start, start + per_day // 2))
        missing = round(n_slots * rng.uniform(0.10, 0.20))
        slots -= set(rng.sample(range(n_slots), missing))
        booth = next(booths, None) if key in delegation and rng.random() < 0.25 else None
        limit = rng.choice((6, 8, 10, 12)) if rng.random() < 0.33 else None
        people.append(Participant(key, frozenset(slots), limit, booth))
    pairs: set[tuple[int, int]] = set()
    # Popular participants attract more requests (a skewed choice on each side), up to what
    # organisers let one accept: about 70% of their available slots.
    d_weights = [1 / (i + 1) ** SKEW for i in range(len(delegation))]
    v_weights = [1 / (i + 1) ** SKEW for i in range(len(visitors))]
    cap = {p.key: round(len(p.available) * 0.7) for p in people}
    degree = dict.fromkeys(cap, 0)
    tries = 0
    while len(pairs) < requests:
        d = rng.choices(delegation, d_weights)[0]
        v = rng.choices(visitors, v_weights)[0]
        tries += 1
        capped = tries < 50 * requests  # a session with more requests than caps allow: uncapped
        if (d, v) in pairs or (capped and (degree[d] >= cap[d] or degree[v] >= cap[v])):
            continue
        pairs.add((d, v))
        degree[d] += 1
        degree[v] += 1
    made = []
    for key, (d, v) in enumerate(sorted(pairs), start=1):
        roll = rng.random()
        weight = 3 if roll < 0.10 else 2 if roll < 0.25 else 1
        a, b = (d, v) if rng.random() < 0.5 else (v, d)
        made.append(Request(key, a, b, weight))
    return Problem(slot_days, table_keys, tuple(people), tuple(made))


def idle(solution) -> tuple[float, int]:
    values = list(solution.idle_gaps.values())
    return statistics.mean(values), max(values)


def main() -> None:
    phase1 = float(os.environ.get("BENCH_SOLVER_SECONDS", "60"))
    phase2 = float(os.environ.get("BENCH_PHASE2_SECONDS", "30"))
    workers = int(os.environ.get("BENCH_SOLVER_WORKERS", "2"))
    chosen = os.environ.get("BENCH_INSTANCES", ",".join(INSTANCES)).split(",")
    print(
        f"CP-SAT: phase 1 up to {phase1:g} s, phase 2 up to {phase2:g} s, {workers} workers;"
        f" seed {SEED}"
    )
    head = (
        f"{'inst':<8}{'people':>7}{'slots':>6}{'tables':>7}{'reqs':>6}{'greedy':>8}{'cp-sat':>8}"
        f"{'w.greedy':>9}{'w.cp-sat':>9}{'bound':>7}{'status':>10}{'gap':>7}{'s p1+p2':>13}"
        f"{'p2':>9}{'idle g':>11}{'idle cp':>11}"
    )
    print(
        "greedy/cp-sat: requests placed; w.: weighted (must 3, mutual 2, other 1); bound and"
        " status: CP-SAT phase 1; s: seconds of phase 1 + phase 2; p2: phase 2 status;"
        " idle: idle slots per participant, mean/max"
    )
    print(head)
    for name in chosen:
        people, per_day, requests, tables = INSTANCES[name]
        problem = generate(people, per_day, requests, tables, SEED, AWAY.get(name, 0.1))
        base = greedy(problem)
        started = time.perf_counter()
        best = solve(problem, time_limit=phase1, phase2_time_limit=phase2, seed=0, workers=workers)
        total = time.perf_counter() - started
        g_mean, g_max = idle(base)
        c_mean, c_max = idle(best)
        seconds = f"{best.phase1_seconds:.1f}+{total - best.phase1_seconds:.1f}"
        print(
            f"{name:<8}{people:>7}{len(problem.slot_days):>6}{tables:>7}{requests:>6}"
            f"{len(base.placements):>8}{len(best.placements):>8}"
            f"{base.objective:>9}{best.objective:>9}{best.bound:>7}{best.status:>10}"
            f"{best.gap:>7.2%}{seconds:>13}{best.phase2_status:>9}"
            f"{f'{g_mean:.2f}/{g_max}':>11}{f'{c_mean:.2f}/{c_max}':>11}"
        )
        sys.stdout.flush()


if __name__ == "__main__":
    main()
