"""Build configuration for the optional C accelerator only; everything else is in pyproject.toml.

``bokslut.sie._speedups`` speeds up the SIE reader. It is optional: without a C compiler or
the Python headers the build warns and goes on, and the reader uses its pure-Python path.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "bokslut.sie._speedups",
            sources=["src/bokslut/sie/_speedups.c"],
            optional=True,
        )
    ]
)
