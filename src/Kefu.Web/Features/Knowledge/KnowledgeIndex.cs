using System.Globalization;
using System.Text;
using Kefu.Web.Features.Quality;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Cjk;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;

namespace Kefu.Web.Features.Knowledge;

/// <summary>One version of an article as the index sees it.</summary>
/// <param name="ArticleId">The article.</param>
/// <param name="VersionId">The version indexed.</param>
/// <param name="Number">The version's number.</param>
/// <param name="Title">Title.</param>
/// <param name="Body">Body.</param>
/// <param name="Tags">Keywords, comma-separated.</param>
/// <param name="CategoryId">Category.</param>
/// <param name="CategoryName">Category name (searched lightly).</param>
/// <param name="Published">True for the published version; false for a working draft (editors only).</param>
public sealed record IndexedArticle(Guid ArticleId, Guid VersionId, int Number, string Title, string Body, string? Tags, Guid? CategoryId,
    string? CategoryName, bool Published);

/// <summary>A search result: the article, the version that matched, its score and a snippet of the body.</summary>
public sealed record KnowledgeHit(Guid ArticleId, Guid VersionId, int Number, string Title, Guid? CategoryId, string? CategoryName, bool Published,
    float Score, string Snippet);

/// <summary>
/// Folds Chinese text the way the index compares it: Traditional → Simplified through ICU (<see cref="ChineseText.ToSimplified"/>),
/// then NFKC, which turns full-width letters, digits and punctuation into half-width ones.
/// </summary>
public static class KnowledgeText
{
    public static string Fold(string? text) =>
        string.IsNullOrEmpty(text) ? "" : ChineseText.ToSimplified(text).Normalize(NormalizationForm.FormKC);
}

/// <summary>
/// Standard tokenizer (one token per Han character, words for Latin script), width folding, lower case, then overlapping
/// Han bigrams plus the single characters: "退款到账" → 退款, 款到, 到账 and 退, 款, 到, 账. Bigrams carry the ranking;
/// unigrams let a short or oddly split query still find something.
/// </summary>
internal sealed class KnowledgeAnalyzer : Analyzer
{
    public const LuceneVersion Lucene = LuceneVersion.LUCENE_48;

    protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
    {
        var source = new StandardTokenizer(Lucene, reader);
        TokenStream stream = new CJKWidthFilter(source);
        stream = new LowerCaseFilter(Lucene, stream);
        stream = new CJKBigramFilter(stream, CJKScript.HAN | CJKScript.HIRAGANA | CJKScript.KATAKANA | CJKScript.HANGUL, outputUnigrams: true);
        return new TokenStreamComponents(source, stream);
    }
}

/// <summary>
/// An in-memory Lucene index of article versions, built whole from a list (the knowledge base is hundreds of articles,
/// not millions: a rebuild takes milliseconds). Immutable once built, so searches need no lock.
/// </summary>
public sealed class KnowledgeIndex : IDisposable
{
    // Field boosts: a hit in the title says more than one in the body; keywords are written to be found.
    internal const float TitleBoost = 3f;
    internal const float TagsBoost = 2f;
    internal const float BodyBoost = 1f;
    internal const float CategoryBoost = 0.5f;

    /// <summary>A single character says little next to a bigram ("钱" vs "退款"); it only breaks ties and rescues
    /// queries that share no bigram with any article.</summary>
    internal const float UnigramWeight = 0.2f;

    private const int MaxQueryTokens = 300;

    private readonly RAMDirectory directory;
    private readonly DirectoryReader? reader;
    private readonly IndexSearcher? searcher;
    private readonly Dictionary<Guid, IndexedArticle> versions;
    private readonly Analyzer analyzer = new KnowledgeAnalyzer();

    private KnowledgeIndex(RAMDirectory directory, Dictionary<Guid, IndexedArticle> versions)
    {
        this.directory = directory;
        this.versions = versions;
        if (versions.Count > 0)
        {
            reader = DirectoryReader.Open(directory);
            searcher = new IndexSearcher(reader) { Similarity = new BM25Similarity() };
        }
    }

    /// <summary>How many versions are indexed.</summary>
    public int Count => versions.Count;

    /// <summary>Builds an index of these versions.</summary>
    public static KnowledgeIndex Build(IEnumerable<IndexedArticle> articles)
    {
        ArgumentNullException.ThrowIfNull(articles);
        var ram = new RAMDirectory();
        var map = new Dictionary<Guid, IndexedArticle>();
        using (var indexing = new KnowledgeAnalyzer())
        using (var writer = new IndexWriter(ram, new IndexWriterConfig(KnowledgeAnalyzer.Lucene, indexing) { Similarity = new BM25Similarity() }))
        {
            foreach (var a in articles)
            {
                map[a.VersionId] = a;
                var document = new Document
                {
                    new StringField("version", a.VersionId.ToString("N"), Field.Store.YES),
                    new StringField("published", a.Published ? "1" : "0", Field.Store.NO),
                    new StringField("category", a.CategoryId?.ToString("N") ?? "", Field.Store.NO),
                    new TextField("title", KnowledgeText.Fold(a.Title), Field.Store.NO),
                    new TextField("tags", KnowledgeText.Fold(a.Tags), Field.Store.NO),
                    new TextField("body", KnowledgeText.Fold(a.Body), Field.Store.NO),
                    new TextField("categoryName", KnowledgeText.Fold(a.CategoryName), Field.Store.NO),
                };
                writer.AddDocument(document);
            }

            writer.Commit();
        }

        return new KnowledgeIndex(ram, map);
    }

    /// <summary>
    /// The best articles for a query, one hit per article (its best-scoring version). Drafts only when
    /// <paramref name="includeDrafts"/>; only the given categories when <paramref name="categories"/> is not null.
    /// </summary>
    public IReadOnlyList<KnowledgeHit> Search(string query, bool includeDrafts, IReadOnlyCollection<Guid>? categories = null, int top = 10)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (searcher is null || top < 1)
        {
            return [];
        }

        var folded = KnowledgeText.Fold(query);
        var terms = Tokens(folded);
        if (terms.Count == 0)
        {
            return [];
        }

        var words = new BooleanQuery();
        foreach (var (term, count) in terms)
        {
            var weight = (IsSingleHan(term) ? UnigramWeight : 1f) * count;
            words.Add(new TermQuery(new Term("title", term)) { Boost = TitleBoost * weight }, Occur.SHOULD);
            words.Add(new TermQuery(new Term("tags", term)) { Boost = TagsBoost * weight }, Occur.SHOULD);
            words.Add(new TermQuery(new Term("body", term)) { Boost = BodyBoost * weight }, Occur.SHOULD);
            words.Add(new TermQuery(new Term("categoryName", term)) { Boost = CategoryBoost * weight }, Occur.SHOULD);
        }

        var conditions = new BooleanQuery();
        if (!includeDrafts)
        {
            conditions.Add(new TermQuery(new Term("published", "1")), Occur.MUST);
        }

        if (categories is not null)
        {
            var inCategory = new BooleanQuery();
            foreach (var id in categories)
            {
                inCategory.Add(new TermQuery(new Term("category", id.ToString("N"))), Occur.SHOULD);
            }

            if (inCategory.Clauses.Count == 0)
            {
                return [];
            }

            conditions.Add(inCategory, Occur.MUST);
        }

        var filter = conditions.Clauses.Count > 0 ? new QueryWrapperFilter(conditions) : null;
        var found = searcher.Search(words, filter, Math.Min(versions.Count, top * 3));
        var hits = new List<KnowledgeHit>(top);
        var seen = new HashSet<Guid>();
        foreach (var scored in found.ScoreDocs)
        {
            var id = Guid.ParseExact(searcher.Doc(scored.Doc).Get("version"), "N");
            var a = versions[id];
            if (!seen.Add(a.ArticleId))
            {
                continue;
            }

            hits.Add(new KnowledgeHit(a.ArticleId, a.VersionId, a.Number, a.Title, a.CategoryId, a.CategoryName, a.Published, scored.Score,
                Snippet(a.Body, terms.Keys)));
            if (hits.Count == top)
            {
                break;
            }
        }

        return hits;
    }

    /// <summary>The index terms of a text, with how often each occurs (capped, so a long call transcript stays a query).</summary>
    internal Dictionary<string, int> Tokens(string folded)
    {
        var terms = new Dictionary<string, int>(StringComparer.Ordinal);
        using var stream = analyzer.GetTokenStream("body", new StringReader(folded));
        var term = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken() && terms.Count < MaxQueryTokens)
        {
            var text = term.ToString();
            terms[text] = Math.Min(3, terms.GetValueOrDefault(text) + 1);
        }

        stream.End();
        return terms;
    }

    /// <summary>About 80 characters of the body around the first place a query bigram (or word) occurs; the start otherwise.</summary>
    internal static string Snippet(string body, IEnumerable<string> terms)
    {
        const int Width = 80;
        var flat = string.Join(' ', body.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var folded = KnowledgeText.Fold(flat).ToLowerInvariant();
        var at = -1;
        if (folded.Length == flat.Length)
        {
            foreach (var t in terms.Where(t => !IsSingleHan(t)).OrderByDescending(t => t.Length))
            {
                var i = folded.IndexOf(t, StringComparison.Ordinal);
                if (i >= 0 && (at < 0 || i < at))
                {
                    at = i;
                }
            }
        }

        var start = at < 0 ? 0 : Math.Max(0, at - 20);
        var length = Math.Min(Width, flat.Length - start);
        var text = flat.Substring(start, length);
        return (start > 0 ? "…" : "") + text + (start + length < flat.Length ? "…" : "");
    }

    private static bool IsSingleHan(string term) =>
        term.Length == 1 && char.GetUnicodeCategory(term[0]) == UnicodeCategory.OtherLetter;

    public void Dispose()
    {
        analyzer.Dispose();
        reader?.Dispose();
        directory.Dispose();
    }
}
