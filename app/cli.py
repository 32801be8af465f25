"""The ``cvkg`` command: build, validate, review, stats, schema, serve, publish.

Each subcommand is a thin shell over one pipeline module, so that everything
the CLI does can also be done from Python.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pydantic import ValidationError

from app.config import PROJECT_ROOT, Settings, get_settings, settings_problems
from app.termination import sigterm_cleans_up


def _cmd_build(args: argparse.Namespace) -> int:
    from app.build import BuildError, build

    settings = get_settings()
    try:
        report = build(settings, progress=not args.quiet)
    except BuildError as exc:
        print(f"cvkg build: échec — {exc}", file=sys.stderr)
        return 1
    print(report.summary())
    return 0


def _sources_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sources-dir",
        help="dossier des rendus texte (défaut : réglage CVKG_SOURCES_DIR, sinon data/sources)",
    )


def _settings(args: argparse.Namespace) -> Settings:
    """The settings, with the renderings' folder a draft was imported with
    (``--sources-dir``) when the command is given one."""
    settings = get_settings()
    if getattr(args, "sources_dir", None):
        settings = settings.model_copy(update={"sources_dir": Path(args.sources_dir)})
    return settings


def _cmd_validate(args: argparse.Namespace) -> int:
    from app.build import validate_files

    settings = _settings(args)
    problems = validate_files([Path(f) for f in args.files], settings, draft=args.draft)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1
    print(f"{len(args.files)} fichier(s) valide(s)")
    return 0


def _cmd_review(args: argparse.Namespace) -> int:
    from app.review.page import write_review

    draft = Path(args.draft)
    out = Path(args.output) if args.output else draft.with_suffix(".revue.html")
    try:
        summary = write_review(draft, out, _settings(args), validate=not args.no_validate)
    except ValueError as exc:
        print(f"cvkg review: échec — {exc}", file=sys.stderr)
        return 1
    print(f"{out}: {summary}")
    if args.open:
        import webbrowser

        webbrowser.open(out.resolve().as_uri())
    return 0


def _cmd_stats(args: argparse.Namespace) -> int:
    from app.build import BuildError, ensure_build
    from app.stats import format_stats, stats_from_dump

    settings = get_settings()
    try:
        dump = ensure_build(settings, progress=False)
    except BuildError as exc:
        print(f"cvkg stats: échec — {exc}", file=sys.stderr)
        return 1
    print(format_stats(stats_from_dump(dump), fmt=args.format))
    return 0


def _cmd_schema(args: argparse.Namespace) -> int:
    from app.curation.json_schema import schema_text, write_schema

    if args.stdout:
        print(schema_text(), end="")
    else:
        print(f"schéma écrit : {write_schema()}")
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    """Build first when the data version changed (inputs, sources or build code), then serve."""
    from app.server.run import serve

    dump = None
    if not args.data:
        from app.build import BuildError, ensure_build

        try:
            dump = ensure_build(get_settings(), progress=True)
        except BuildError as exc:
            print(f"cvkg serve: échec de la construction — {exc}", file=sys.stderr)
            return 1
    return serve(host=args.host, port=args.port, dump=dump, data_files=args.data, graph=args.graph)


def _cmd_import(args: argparse.Namespace) -> int:
    from app.importer.batch import run_batch, summary
    from app.importer.run import documents_in

    settings = get_settings()
    default_sources = getattr(settings, "sources_dir", None) or PROJECT_ROOT / "data" / "sources"
    sources = Path(args.sources_dir) if args.sources_dir else Path(default_sources)
    documents = documents_in([Path(d) for d in args.documents])
    if args.output and len(documents) != 1:
        print("cvkg import: -o n'accepte qu'un document (--outdir pour plusieurs)", file=sys.stderr)
        return 2
    results = run_batch(
        documents,
        Path(args.outdir) if args.outdir else None,
        Path(args.output) if args.output else None,
        sources,
    )
    print(summary(results))
    for r in results:
        if r.error:
            print(f"cvkg import: {r.document}: {r.error}", file=sys.stderr)
    return 1 if any(r.error for r in results) or not results else 0


def _cmd_publish(args: argparse.Namespace) -> int:
    from app.build import BuildError, ensure_build
    from app.publish import PublishError, publish

    settings = get_settings()
    if args.annotations:
        from app.publish import publish_annotations

        try:
            count = publish_annotations(settings)
        except PublishError as exc:
            print(f"cvkg publish: échec — {exc}", file=sys.stderr)
            return 1
        print(f"{count} graphes écrits copiés de {settings.annotations_dir} dans le moteur")
        return 0
    target = args.graph_store or settings.sparql_graph_store
    if not target:
        print("cvkg publish: donner --graph-store ou CVKG_SPARQL_GRAPH_STORE", file=sys.stderr)
        return 2
    if not settings.sparql_endpoint:
        print(
            "cvkg publish: attention — sans CVKG_SPARQL_ENDPOINT (l'URL de requête du moteur), "
            "les graphes d'une construction précédente que celle-ci n'a plus (un contrat "
            "retiré) ne sont ni cherchés ni supprimés du moteur",
            file=sys.stderr,
        )
    try:
        dump = ensure_build(settings, progress=not args.quiet)
        count = publish(
            dump,
            target,
            endpoint=settings.sparql_endpoint,
            base=settings.base_iri,
            say=(lambda _: None) if args.quiet else print,
        )
    except (BuildError, PublishError) as exc:
        print(f"cvkg publish: échec — {exc}", file=sys.stderr)
        return 1
    print(f"{count} graphes publiés sur {target}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cvkg", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("build", help="construit data/build/ à partir de data/contrats/")
    p.add_argument("--quiet", action="store_true", help="sans affichage de progression")
    p.set_defaults(func=_cmd_build)

    p = sub.add_parser("validate", help="vérifie des fichiers de contrat sans construire")
    p.add_argument("files", nargs="+", help="fichiers YAML de contrat")
    p.add_argument(
        "--draft",
        action="store_true",
        help="brouillon de cvkg import : accepte les éléments marqués « a_verifier »",
    )
    _sources_option(p)
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser(
        "review", help="page de relecture d'un brouillon : source et arbre côte à côte"
    )
    p.add_argument("draft", metavar="BROUILLON.yaml", help="brouillon écrit par cvkg import")
    p.add_argument("-o", "--output", metavar="FICHIER.html", help="défaut : BROUILLON.revue.html")
    p.add_argument("--open", action="store_true", help="ouvre la page dans le navigateur")
    p.add_argument(
        "--no-validate",
        action="store_true",
        help="sans les vérifications de cvkg validate --draft (plus rapide sur un gros brouillon)",
    )
    _sources_option(p)
    p.set_defaults(func=_cmd_review)

    p = sub.add_parser("import", help="brouillon de contrat à partir de PDF, Word, ODT ou texte")
    p.add_argument("documents", nargs="+", help="documents ou dossiers (parcourus récursivement)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("-o", "--output", help="fichier brouillon (un seul document)")
    out.add_argument("--outdir", help="dossier des brouillons (défaut : dossier courant)")
    _sources_option(p)
    p.set_defaults(func=_cmd_import)

    p = sub.add_parser("stats", help="effectifs par contrat et par classe")
    p.add_argument("--format", choices=["text", "csv", "json"], default="text")
    p.set_defaults(func=_cmd_stats)

    p = sub.add_parser("schema", help="régénère schemas/contrat.schema.json (JSON Schema)")
    p.add_argument("--stdout", action="store_true", help="affiche le schéma au lieu de l'écrire")
    p.set_defaults(func=_cmd_schema)

    p = sub.add_parser("serve", help="sert le graphe (SPARQL, pages, API)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument(
        "--data",
        nargs="+",
        metavar="FILE",
        help="sert ces fichiers RDF au lieu du graphe construit",
    )
    p.add_argument("--graph", help="IRI du graphe nommé pour un fichier de triplets (--data)")
    p.set_defaults(func=_cmd_serve)

    p = sub.add_parser(
        "publish", help="charge le graphe construit dans un moteur SPARQL externe (Graph Store)"
    )
    p.add_argument(
        "--graph-store", help="URL Graph Store du moteur (défaut CVKG_SPARQL_GRAPH_STORE)"
    )
    p.add_argument("--quiet", action="store_true", help="sans affichage par graphe")
    p.add_argument(
        "--annotations",
        action="store_true",
        help="copie les graphes écrits localement (CVKG_ANNOTATIONS_DIR) dans le moteur",
    )
    p.set_defaults(func=_cmd_publish)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        get_settings()
    except ValidationError as exc:  # a CVKG_ variable: say which and why, no traceback
        for problem in settings_problems(exc):
            print(f"cvkg: {problem}", file=sys.stderr)
        return 2
    with sigterm_cleans_up():  # a stopped build or import leaves no half-written folder
        return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
