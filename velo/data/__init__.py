"""oasst1 data for VELO: readers for every oasst1 shape, and the prepared train/test contract."""

from velo.data.oasst1 import (
    DataFormatError,
    HubUnavailableError,
    SourceFormat,
    UnrecognizedFormatError,
    detect_format,
    download_hub_files,
    load_from_hub,
    read_source,
)
from velo.data.prepare import (
    FORMAT_VERSION,
    Manifest,
    PreparedData,
    PreparedDataError,
    load_manifest,
    load_prepared,
    prepare,
)

__all__ = [
    "FORMAT_VERSION",
    "DataFormatError",
    "HubUnavailableError",
    "Manifest",
    "PreparedData",
    "PreparedDataError",
    "SourceFormat",
    "UnrecognizedFormatError",
    "detect_format",
    "download_hub_files",
    "load_from_hub",
    "load_manifest",
    "load_prepared",
    "prepare",
    "read_source",
]
