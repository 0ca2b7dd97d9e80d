"""The installed ``qms`` program's entry point, apart from the CLI so that importing it
imports nothing more.

Python's multiprocessing runs the program's script again in each process it starts
that is not a plain fork (a render worker, a server worker), to rebuild what the script
defined. From here that costs nothing; with the CLI's root as the entry point it
imported click and the command table first, about 40 ms before every render.
"""


def main() -> None:
    """Run one ``qms`` command in this process."""
    import gc

    gc.disable()  # while the CLI loads, as it holds the collector while a command's do
    from qms.cli import main as run_command

    run_command()
