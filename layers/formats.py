"""The export formats (id, extension, media type, Spanish label, vector or printed map),
their lookup by name or file extension, and what an export returns or refuses as too large."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from geodata import errors as sala_errors
from layers.output import ExportError


@dataclass(frozen=True)
class Format:
    id: str
    extension: str
    media_type: str
    label: str
    vector: bool = True


FORMATS: dict[str, Format] = {
    f.id: f
    for f in (
        Format("geojson", ".geojson", "application/geo+json", "GeoJSON"),
        Format("gpkg", ".gpkg", "application/geopackage+sqlite3", "GeoPackage"),
        Format("shp", ".zip", "application/zip", "Shapefile (zip)"),
        Format("kml", ".kml", "application/vnd.google-earth.kml+xml", "KML"),
        Format("csv", ".csv", "text/csv; charset=utf-8", "CSV"),
        Format("xlsx", ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel (XLSX)"),
        Format("png", ".png", "image/png", "Mapa (PNG)", vector=False),
        Format("pdf", ".pdf", "application/pdf", "Mapa (PDF)", vector=False),
    )
}


class ExportTooLarge(sala_errors.TooLarge, ExportError):
    def __init__(self, count: int, cap: int):
        self.count, self.cap = count, cap
        super().__init__(
            f"La exportación tendría {count:,} elementos y el máximo es {cap:,}. "
            "Elija un territorio más pequeño, un periodo más corto o más filtros.".replace(",", ".")
        )


@dataclass(frozen=True)
class ExportResult:
    path: Path
    format: str
    count: int


def get_format(fmt: str) -> Format:
    try:
        return FORMATS[fmt.lower()]
    except KeyError:
        raise ExportError(f"Formato desconocido: «{fmt}». Formatos: {', '.join(FORMATS)}.") from None


def format_from_path(path: str | Path) -> str | None:
    suffix = Path(path).suffix.lower()
    for f in FORMATS.values():
        if f.extension == suffix and not (suffix == ".zip"):
            return f.id
    return "shp" if suffix == ".zip" else None
