"""Type stubs of the extension module (crates/tidings-py): the engine's stages.

Use the package's functions (``tidings.cluster``, ``tidings.analyze``, …); this
module is what they call.
"""

from typing import Any, Iterable, Optional, Sequence, TypeVar

__version__: str

# What reading noticed on kept records: (kind, count, first places).
Note = tuple[str, int, list[str]]

_S = TypeVar("_S", bound="_Stage")

class _Stage:
    """A stage value: opaque, picklable, ``len()`` is its documents."""

    def __init__(self, data: bytes) -> None:
        """Reads the value back from the bytes ``to_bytes()`` wrote; ``ValueError``
        for bytes of another type or tidings version."""
    def to_bytes(self) -> bytes:
        """A header line (tidings version, type), then the value in postcard."""
    def rejects_json(self) -> str:
        """The input records that could not become documents, as a JSON array."""
    def __len__(self) -> int: ...
    def __eq__(self, other: object) -> bool: ...
    def __reduce__(self: _S) -> tuple[type[_S], tuple[bytes]]: ...

class Analyzed(_Stage):
    """Stage 1's result for a batch or shard: analyzed documents and rejects."""

class Corpus(_Stage):
    """The analyzed documents of a run, sorted by id, duplicate ids rejected."""

class CorpusStats(_Stage):
    """Document frequencies of a corpus or shard."""

class Vectors(_Stage):
    """The tf-idf vectors of a corpus."""

class Graph(_Stage):
    """The exactly re-scored kNN graph, copies collapsed."""

class StoryLabels(_Stage):
    """The story of each document (of one part's: its documents' stories, the
    others ``ELSEWHERE``)."""

class Copies(_Stage):
    """The copy groups the graph collapses, found once for all graph parts."""

class ArticlesPart(_Stage):
    """One part's stories cut into articles."""

class FurnitureCounts(_Stage):
    """Stage 0 per shard: the titles of the pages carrying each line of each site."""

    def merge(self, other: FurnitureCounts) -> FurnitureCounts:
        """The counts of two shards together."""
    def furniture(self) -> Furniture:
        """The lines that are page furniture."""

class Furniture(_Stage):
    """The page furniture of a run: lines struck from every text before analysis."""

class Clustering(_Stage):
    """The result of a run."""

    def assignments(self) -> list[tuple[str, str, str, str]]:
        """(id, story, article, variant) per document, sorted by id."""
    def stories_jsonl(self) -> bytes:
        """The stories as ``tidings cluster`` writes them."""
    def assignments_tsv(self) -> bytes:
        """The assignments as ``tidings cluster --assignments`` writes them."""
    def rejects_jsonl(self) -> bytes:
        """The rejects as ``tidings cluster --rejects FILE.jsonl`` writes them."""
    def stats_json(self) -> str:
        """Counts and timings of the run, as JSON."""

class Engine:
    """Lexicons and validated settings (those of ``tidings cluster``)."""

    def __init__(self, **settings: Any) -> None: ...
    def furniture(self, lines: Iterable[str]) -> FurnitureCounts:
        """Stage 0: the page furniture counts of JSON lines."""
    def analyze(
        self, lines: Iterable[str], furniture: Optional[Furniture] = None
    ) -> tuple[Analyzed, list[Note]]:
        """Reads JSON lines (record i is ``docs[i]`` in messages) and analyzes them,
        the furniture struck first."""
    def assemble(self, shards: Sequence[Analyzed]) -> Corpus: ...
    def corpus_stats(self, corpus: Corpus) -> CorpusStats: ...
    def vectorize(self, corpus: Corpus, stats: CorpusStats) -> Vectors: ...
    def graph(self, vectors: Vectors) -> Graph: ...
    def stories(self, vectors: Vectors, graph: Graph) -> StoryLabels: ...
    def articles(self, vectors: Vectors, graph: Graph, labels: StoryLabels) -> Clustering: ...
    def add_sentences(
        self, result: Clustering, lines: Iterable[str], furniture: Optional[Furniture] = None
    ) -> Clustering:
        """The sentences each member adds, from the same JSON lines again."""
    def cluster(self, lines: Iterable[str]) -> tuple[Clustering, list[Note]]:
        """The whole run on JSON lines."""
    # The partitioned stages (tidings.distributed; crates/tidings/src/partition.rs).
    def furniture_shard(self, paths: Sequence[str], shard: int, shards: int) -> FurnitureCounts:
        """Stage 0 of one shard of the files or folders at ``paths`` (as
        ``analyze_shard``)."""
    def analyze_shard(
        self, paths: Sequence[str], shard: int, shards: int, furniture: Optional[Furniture] = None
    ) -> Analyzed:
        """Stage 1 of one shard of the files or folders at ``paths``, read as
        ``tidings cluster`` reads them: every ``shards``-th file when there are at
        least as many files as shards, else every ``shards``-th record; each with
        its place in the reading order."""
    def analyze_lines(
        self, lines: Sequence[str], first: int, furniture: Optional[Furniture] = None
    ) -> Analyzed:
        """Stage 1 of JSON lines that start at record ``first`` of all records."""
    def assemble_in_order(self, shards: Sequence[Analyzed]) -> Corpus:
        """Shards of ``analyze_shard`` or ``analyze_lines`` into the corpus of a
        whole run (documents and rejects in reading order)."""
    def split(self, corpus: Corpus, shards: int) -> list[Corpus]:
        """The corpus in ``shards`` runs of documents in id order."""
    def copies(self, vectors: Vectors) -> Copies: ...
    def graph_part(self, vectors: Vectors, copies: Copies, part: int, parts: int) -> Graph:
        """The edges of one span of days' neighbour queries."""
    def stories_part(self, vectors: Vectors, graph: Graph, part: int, parts: int) -> StoryLabels:
        """The stories of one group of the graph's connected components."""
    def articles_part(
        self, vectors: Vectors, graph: Graph, labels: StoryLabels, part: int, parts: int
    ) -> ArticlesPart:
        """The articles of one group of stories."""
    def result(
        self, vectors: Vectors, graph: Graph, labels: StoryLabels, parts: Sequence[ArticlesPart]
    ) -> Clustering:
        """The result of the run, the articles given in parts."""
    def add_sentences_of_inputs(
        self, result: Clustering, paths: Sequence[str], furniture: Optional[Furniture] = None
    ) -> Clustering:
        """``add_sentences`` from the files or folders at ``paths``, read again."""

def merge_stats(parts: Sequence[CorpusStats]) -> CorpusStats:
    """The statistics of the union of the shards."""

def merge_graphs(parts: Sequence[Graph]) -> Graph:
    """The graph whose parts (``Engine.graph_part``) these are."""

def merge_labels(parts: Sequence[StoryLabels]) -> StoryLabels:
    """The story labels whose parts (``Engine.stories_part``) these are."""

def concat_vectors(shards: Sequence[Vectors]) -> Vectors:
    """The vectors of consecutive runs of a corpus (``Engine.split``), in order."""

def defaults() -> dict[str, Any]:
    """The engine's default for each setting."""

def evaluate(
    gold_source: str,
    gold_tsv: str,
    pred_source: str,
    pred_tsv: Optional[str] = None,
    pred_rows: Optional[Sequence[tuple[str, str, str]]] = None,
) -> str:
    """Scores a prediction against gold labels; the report as JSON."""

def main_with_args(args: Sequence[str]) -> int:
    """Runs a ``tidings`` command line (without the program name); the exit code."""
