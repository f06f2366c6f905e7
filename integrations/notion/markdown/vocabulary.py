"""Notion's fixed vocabularies (code languages, callout icons) and their Markdown spellings."""

# https://developers.notion.com/reference/block#code: a language outside this set is a 400.
NOTION_LANGUAGES = frozenset(
    {
        "abap", "abc", "agda", "arduino", "ascii art", "assembly", "bash", "basic", "bnf", "c",
        "c#", "c++", "clojure", "coffeescript", "coq", "css", "dart", "dhall", "diff", "docker",
        "ebnf", "elixir", "elm", "erlang", "f#", "flow", "fortran", "gherkin", "glsl", "go",
        "graphql", "groovy", "haskell", "hcl", "html", "idris", "java", "javascript", "json",
        "julia", "kotlin", "latex", "less", "lisp", "livescript", "llvm ir", "lua", "makefile",
        "markdown", "markup", "matlab", "mathematica", "mermaid", "nix", "notion formula",
        "objective-c", "ocaml", "pascal", "perl", "php", "plain text", "powershell", "prolog",
        "protobuf", "purescript", "python", "r", "racket", "reason", "ruby", "rust", "sass",
        "scala", "scheme", "scss", "shell", "smalltalk", "solidity", "sql", "swift", "toml",
        "typescript", "vb.net", "verilog", "vhdl", "visual basic", "webassembly", "xml", "yaml",
        "java/c/c++/c#",
    }
)  # fmt: skip

PLAIN_TEXT = "plain text"

# Info strings people write after ``` mapped to Notion's names; a Notion name maps to itself.
_LANGUAGE_ALIASES = {
    "py": "python", "python3": "python", "py3": "python",
    "js": "javascript", "jsx": "javascript", "node": "javascript", "mjs": "javascript",
    "ts": "typescript", "tsx": "typescript",
    "sh": "shell", "zsh": "shell", "console": "shell", "shell-session": "shell",
    "yml": "yaml", "md": "markdown", "htm": "html", "golang": "go", "rs": "rust",
    "cpp": "c++", "cxx": "c++", "hpp": "c++", "cc": "c++", "h": "c",
    "cs": "c#", "csharp": "c#", "fs": "f#", "fsharp": "f#",
    "kt": "kotlin", "rb": "ruby", "dockerfile": "docker", "make": "makefile",
    "objc": "objective-c", "tex": "latex", "ps1": "powershell", "proto": "protobuf",
    "postgres": "sql", "postgresql": "sql", "mysql": "sql", "sqlite": "sql", "psql": "sql",
    "text": PLAIN_TEXT, "txt": PLAIN_TEXT, "plain": PLAIN_TEXT, "plaintext": PLAIN_TEXT,
    "vb": "visual basic", "wasm": "webassembly", "llvm": "llvm ir", "ascii": "ascii art",
}  # fmt: skip

# Notion names that cannot be written as one info-string word.
_INFO_STRINGS = {"plain text": "", "visual basic": "vb", "llvm ir": "llvm", "ascii art": "ascii"}


def language_from_info(info: str) -> str:
    """Notion language for a fence info string such as ``python`` or ``ts title="x"``."""
    words = info.strip().lower().split()
    if not words:
        return PLAIN_TEXT
    word = words[0]
    language = _LANGUAGE_ALIASES.get(word, word)
    return language if language in NOTION_LANGUAGES else PLAIN_TEXT


def info_from_language(language: str | None) -> str:
    """Fence info string that language_from_info reads back as the same Notion language."""
    language = (language or PLAIN_TEXT).lower()
    return _INFO_STRINGS.get(language, language if language in NOTION_LANGUAGES else "")


# GitHub alert kinds (https://github.com/orgs/community/discussions/16925) and their icons.
CALLOUT_EMOJI = {
    "NOTE": "\u2139\ufe0f",  # information source
    "TIP": "💡",
    "IMPORTANT": "❗",
    "WARNING": "⚠️",
    "CAUTION": "🚫",
}
DEFAULT_CALLOUT_KIND = "NOTE"

# Reading back, the variation selector (U+FE0F) is optional, and a few look-alikes count too.
_EMOJI_KIND = {
    "\u2139": "NOTE", "📝": "NOTE", "💡": "TIP", "✅": "TIP", "❗": "IMPORTANT", "❕": "IMPORTANT",
    "📌": "IMPORTANT", "⚠": "WARNING", "🚫": "CAUTION", "🛑": "CAUTION", "⛔": "CAUTION",
    "❌": "CAUTION", "🔥": "CAUTION",
}  # fmt: skip


def callout_kind_from_icon(icon: dict | None) -> str:
    """Alert kind for a callout icon; custom, file and unknown icons read as NOTE."""
    if not icon or icon.get("type") != "emoji":
        return DEFAULT_CALLOUT_KIND
    emoji = str(icon.get("emoji", "")).replace("\ufe0f", "")
    return _EMOJI_KIND.get(emoji, DEFAULT_CALLOUT_KIND)
