"""Import a file from the command line, synchronously, and print what happened."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lightbulb.core.rules import SystemActor
from lightbulb.imports import services
from lightbulb.imports.limits import max_bytes_for, too_big_message
from lightbulb.imports.normalise import Notes, UnreadableFile
from lightbulb.imports.runner import import_run_execute
from lightbulb.imports.sources import SOURCES


class Command(BaseCommand):
    help = "Import a file (for example an ONS postcode to ward lookup) and print a summary. Sources: " + ", ".join(sorted(SOURCES))

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", choices=sorted(SOURCES), help="What the file contains")
        parser.add_argument("path", type=Path, help="The file (CSV, Excel workbook, or JSON where the source publishes it)")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report what would change, without changing anything")
        parser.add_argument("--strict", action="store_true", help="Refuse the whole file if any row cannot be used")
        parser.add_argument(
            "--column",
            action="append",
            default=[],
            metavar="HEADING=FIELD",
            help="Read FIELD from the file's column headed HEADING, as the column-mapping page does (repeat for each; "
            "columns not named are found by their headings). For example --column 'Post Code=postcode'",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"There is no file at {path}")
        limit = max_bytes_for(options["source"])
        if path.stat().st_size > limit:
            raise CommandError(too_big_message(path.stat().st_size, limit))
        # Whoever can run manage.py runs the service itself: the run acts as a SystemActor.
        actor = SystemActor(label=f"Command line import of {path.name}"[:200])
        mapping = _mapping(options["column"])
        try:
            run = services.import_run_create(
                acting_user=actor,
                source=options["source"],
                filename=path.name,
                dry_run=options["dry_run"],
                strict=options["strict"],
                start=False,
                mapping=mapping,
                headers=_headings(options["source"], path, actor, mapping) if mapping else None,
            )
        except ValidationError as error:
            # The upload form's rules (not a CSV file, an unknown source), said on the command line.
            raise CommandError(" ".join(error.messages)) from error
        except UnreadableFile as error:
            raise CommandError(str(error)) from error
        run = import_run_execute(run=run, path=path, acting_user=actor)
        self.stdout.write(run.log.split("\n", 1)[0])
        for note in run.notes:
            self.stdout.write(f"Normalised: {note}")
        for rejected in run.rejected_rows[:50]:
            self.stdout.write(f"Row {rejected['row']} rejected: {rejected['reason']}")
        if run.rejected > 50:
            self.stdout.write(f"… and {run.rejected - 50:,} more rejected rows (see the import's page)")
        if run.status == run.Status.FAILED:
            raise CommandError("The import failed: nothing was changed.")


def _mapping(pairs: list[str]) -> dict[str, str]:
    """--column 'Post Code=postcode' pairs as the run's mapping ({"postcode": "Post Code"})."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        heading, equals, field = pair.rpartition("=")
        if not equals or not heading.strip() or not field.strip():
            raise CommandError(f"--column {pair!r} should read HEADING=FIELD, for example --column 'Post Code=postcode'")
        if field.strip() in mapping:
            raise CommandError(f"--column names {field.strip()} more than once")
        mapping[field.strip()] = heading.strip()
    return mapping


def _headings(source: str, path: Path, actor: Any, mapping: dict[str, str]) -> list[str]:
    """The file's column headings, read as the import will read them (a mapping names columns of CSV files and workbooks)."""
    importer = SOURCES[source](acting_user=actor, notes=Notes(), mapping=mapping)
    if importer.streaming or importer.formats == ("json",):
        raise CommandError(f"{source} reads the fields its publisher names; it takes no --column")
    return [heading.replace("\ufeff", "").strip() for heading in importer.table(path.read_bytes()).headers]
