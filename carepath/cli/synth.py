"""``carepath synth``: write a synthetic pathway system (test data of any size) to a folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from carepath.cli._common import ForceOpt, app, cli_message, err, out
from carepath.errors import UsageError
from carepath.printing import Format, emit


@app.command()
def synth(
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder to write (new, empty, "
                                          "or written by carepath synth before).")],
    preset_name: Annotated[str | None, typer.Option(
        "--preset", help="small (1 area, 200 services), region (5 areas) or national "
        "(42 areas, ~20,000 services, ~1,000,000 referrals).")] = None,
    areas: Annotated[int | None, typer.Option(help="Number of areas.")] = None,
    services_per_area: Annotated[int | None, typer.Option(
        "--services-per-area", help="Services in each area.")] = None,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed, the same data.")] = 0,
    fmt: Annotated[str, typer.Option("--format", "-f", help="yaml or csv (the spreadsheet "
                                     "folder format).")] = "yaml",
    force: ForceOpt = False,
) -> None:
    """Generate a synthetic system shaped like the reference data, with planted gaps and
    overlaps, as a data folder the loaders read (every fact cites the source `synthetic`)."""
    from carepath.synth import (
        FORMATS,
        PRESETS,
        check_out,
        check_size,
        preset,
        synthesize,
        write_system,
    )

    if fmt not in FORMATS:
        raise UsageError(f"unknown --format {fmt!r}; expected one of: {', '.join(FORMATS)}")
    if preset_name is None and areas is None and services_per_area is None:
        raise UsageError(f"give --preset ({', '.join(PRESETS)}) or --areas and "
                         "--services-per-area")
    try:
        size = preset(preset_name) if preset_name is not None else None
        n_areas = areas if areas is not None else (size.areas if size else 1)
        per_area = (services_per_area if services_per_area is not None
                    else (size.services_per_area if size else 200))
        check_size(n_areas, per_area)  # before the progress display, so errors stay one line
        check_out(out_dir, force=force)
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                      console=err.real, transient=True) as progress:
            task = progress.add_task("generating", total=None)

            def step(name: str) -> None:
                progress.update(task, description=name)

            system = synthesize(areas=n_areas, services_per_area=per_area, seed=seed, step=step)
            folder = write_system(system, out_dir, fmt=fmt, step=step, force=force)
    except ValueError as exc:
        raise UsageError(cli_message(exc)) from None
    counts = system.counts()
    rows = [(k, v) for k, v in counts.items()]
    import pandas as pd

    emit(pd.DataFrame(rows, columns=["what", "count"]), Format.table, title="carepath synth",
         console=out)
    out.print(f"wrote {folder} ({fmt}, seed {seed}); SYNTHETIC data, not real services",
              highlight=False)
