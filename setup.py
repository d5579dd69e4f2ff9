"""What pyproject.toml cannot say: the folders a wheel carries besides the code, and where they go.

The repository keeps config/ and migrations/ as top-level folders (see the house in DESIGN.md), but an installed bot
has only its packages. So the wheel puts each folder inside the package that reads it: config/ as bot/_config/
(bot/settings.py), migrations/ as trackers/runtime/_migrations/ (trackers/runtime/migrate.py). Each reader looks
there first and falls back to the repository's folder.
"""

from setuptools import find_packages, setup

SHIPPED = {"bot._config": "config", "trackers.runtime._migrations": "migrations"}

setup(
    packages=[
        *find_packages(include=["bot", "bot.*", "trackers", "trackers.*"]),
        *SHIPPED,
        "trackers.runtime._migrations.versions",
    ],
    package_dir=SHIPPED,
    package_data={
        "bot": ["**/*.toml"],
        "trackers": ["**/*.toml"],  # trackers/extract/indicators.toml
        "bot._config": ["default.toml", "example.env"],
        "trackers.runtime._migrations": ["script.py.mako"],
    },
)
