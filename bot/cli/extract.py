"""`luoshi extract`: placeholder until the extractor lands."""


def register(subparsers) -> None:
    parser = subparsers.add_parser("extract", help="find commitments and facts in an article")
    parser.set_defaults(func=lambda args: 2)
