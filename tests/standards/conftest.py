"""Where the third-party files are: ../shared/thirdparty beside the repository, never copied in."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..conftest import need

HERE = Path(__file__).parent
DATA = HERE / "data"
THIRDPARTY = Path(__file__).parents[2] / ".." / "shared" / "thirdparty"
HSDS3 = THIRDPARTY / "openreferral-hsds3"
ORUK = THIRDPARTY / "openreferral-uk"
SCHEMAS = HSDS3 / "schema"
UKCORE = THIRDPARTY / "fhir" / "UKCore-HealthcareService-OrthopaedicService-Example.xml"


@pytest.fixture(scope="session")
def thirdparty() -> Path:
    need((HSDS3 / "csv" / "services.csv").is_file() and SCHEMAS.is_dir() and UKCORE.is_file(),
         f"third-party standards files not found at {THIRDPARTY}")
    return THIRDPARTY
