"""The one list of settings: defaults, validation that names the setting, docs, masking."""

from __future__ import annotations

from pathlib import Path

import pytest

from participation.settings import SETTINGS, Settings, SettingsError, markdown_table

ROOT = Path(__file__).resolve().parents[2]


def test_defaults_follow_the_design(tmp_path: Path) -> None:
    settings = Settings.from_env({"INSPRAAK_VAR_DIR": str(tmp_path)})
    assert settings.database_url == "sqlite:///var/inspraak.db"
    assert settings.broker_url == "memory://"
    assert settings.default_language == "nl"
    assert settings.time_zone == "Europe/Brussels"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("INSPRAAK_LIVE_MAX_CONNECTIONS_PER_IP", "many"),
        ("INSPRAAK_MAX_REQUEST_BYTES", "0"),
        ("INSPRAAK_DATABASE_URL", "mysql://localhost/x"),
        ("INSPRAAK_BROKER_URL", "kafka://x"),
        ("INSPRAAK_DEFAULT_LANGUAGE", "de"),
        ("INSPRAAK_TIME_ZONE", "Mars/Olympus"),
        ("INSPRAAK_BASE_URL", "example.be"),
        ("INSPRAAK_SECRET_KEY", "short"),
        ("INSPRAAK_SMTP_URL", "mail.example.be"),
    ],
)
def test_an_invalid_value_names_the_setting(variable: str, value: str, tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=variable):
        Settings.from_env({variable: value, "INSPRAAK_VAR_DIR": str(tmp_path)})


def test_secret_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    first = Settings.from_env({"INSPRAAK_VAR_DIR": str(tmp_path)})
    second = Settings.from_env({"INSPRAAK_VAR_DIR": str(tmp_path)})
    assert len(first.secret_key) >= 32
    assert first.secret_key == second.secret_key
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_secrets_are_masked_when_shown(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "INSPRAAK_VAR_DIR": str(tmp_path),
            "INSPRAAK_DATABASE_URL": "postgresql://inspraak:hunter2hunter2@db.example/inspraak",
            "INSPRAAK_SECRET_KEY": "s" * 40,
        }
    )
    shown = {setting.env: value for setting, value in settings.shown()}
    assert "hunter2" not in shown["INSPRAAK_DATABASE_URL"]
    assert shown["INSPRAAK_DATABASE_URL"].endswith("@db.example/inspraak")
    assert shown["INSPRAAK_SECRET_KEY"] == "***"


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    assert markdown_table() in readme, "run `inspraak settings --markdown` and update README.md"
    for setting in SETTINGS:
        assert setting.env.startswith("INSPRAAK_")
        assert setting.help
