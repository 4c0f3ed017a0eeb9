"""Build the optional C extension; every other piece of metadata lives in pyproject.toml."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "lambdas.stream_processor._convert",
            ["lambdas/stream_processor/_convert.c"],
            extra_compile_args=["-O2", "-Wall", "-Wextra", "-U_FORTIFY_SOURCE", "-D_FORTIFY_SOURCE=0"],
            optional=True,  # without a compiler the install still works; convert.py falls back to pure Python
        )
    ]
)
