"""Start the trainer: the window by default, or a headless subcommand (see --help)."""

import sys

from trainer.launch import main

if __name__ == "__main__":
    sys.exit(main())
