using System.Globalization;

namespace Cairn.Core.Search;

/// <summary>A comparison as written, before the search kind decides what its identifier means.</summary>
internal sealed record RawComparison(string? Entity, string Key, bool QuotedKey, Comparator Op, FilterValue Value, int Position)
{
    /// <summary>A Cairn extension for run searches: <c>min(metrics.loss) &lt; 0.2</c> compares a write-time summary.</summary>
    public MetricAggregate Aggregate { get; init; } = MetricAggregate.Last;
}

/// <summary>An order_by entry as written.</summary>
internal sealed record RawOrderTerm(string? Entity, string Key, bool QuotedKey, bool Ascending);

/// <summary>
/// Parses the MLflow search language: comparisons joined by AND, no OR, no grouping.
/// Bounded so that a hostile filter cannot cost more than a small, fixed amount of work.
/// </summary>
internal static class FilterParser
{
    public const int MaxFilterLength = 16_384;
    public const int MaxComparisons = 100;
    public const int MaxListItems = 1_000;
    public const int MaxOrderByTerms = 10;

    /// <summary>
    /// Parses a filter. With <paramref name="summaries"/>, a comparison may wrap a metric in <c>min(…)</c>,
    /// <c>max(…)</c>, <c>count(…)</c> or <c>last(…)</c> (the run search's extension); other searches reject them.
    /// </summary>
    public static List<RawComparison> Parse(string? filter, bool summaries = false)
    {
        var result = new List<RawComparison>();
        if (string.IsNullOrWhiteSpace(filter))
        {
            return result;
        }

        if (filter.Length > MaxFilterLength)
        {
            throw SearchErrors.Invalid($"Filter is {filter.Length} characters long; the limit is {MaxFilterLength}.");
        }

        var tokens = FilterLexer.Tokenize(filter);
        var i = 0;
        while (true)
        {
            result.Add(ParseComparison(tokens, ref i, summaries));
            if (result.Count > MaxComparisons)
            {
                throw SearchErrors.Invalid($"Filter has more than {MaxComparisons} comparisons.");
            }

            var next = tokens[i];
            if (next.Kind == TokenKind.End)
            {
                return result;
            }

            if (next.Kind != TokenKind.And)
            {
                throw SearchErrors.Invalid($"Invalid filter '{filter}': expected AND at position {next.Position}, found '{next.Text}'. "
                    + "Comparisons are joined by AND; OR and parentheses are not supported.");
            }

            i++;
        }
    }

    public static List<RawOrderTerm> ParseOrderBy(IReadOnlyList<string>? orderBy)
    {
        var result = new List<RawOrderTerm>();
        if (orderBy is null)
        {
            return result;
        }

        if (orderBy.Count > MaxOrderByTerms)
        {
            throw SearchErrors.Invalid($"order_by has {orderBy.Count} entries; the limit is {MaxOrderByTerms}.");
        }

        foreach (var clause in orderBy)
        {
            if (string.IsNullOrWhiteSpace(clause) || clause.Length > 1000)
            {
                throw SearchErrors.Invalid($"Invalid order_by clause '{clause}'.");
            }

            var tokens = FilterLexer.Tokenize(clause);
            var i = 0;
            var (entity, key, quoted) = ParseIdentifier(tokens, ref i, clause);
            var ascending = true;
            if (tokens[i].Kind == TokenKind.Identifier && !tokens[i].Quoted)
            {
                ascending = tokens[i].Text.ToUpperInvariant() switch
                {
                    "ASC" => true,
                    "DESC" => false,
                    _ => throw SearchErrors.Invalid($"Invalid order_by clause '{clause}': expected ASC or DESC, found '{tokens[i].Text}'."),
                };
                i++;
            }

            if (tokens[i].Kind != TokenKind.End)
            {
                throw SearchErrors.Invalid($"Invalid order_by clause '{clause}'.");
            }

            result.Add(new RawOrderTerm(entity, key, quoted, ascending));
        }

        return result;
    }

    private static RawComparison ParseComparison(List<Token> tokens, ref int i, bool summaries)
    {
        var start = tokens[i].Position;
        var aggregate = ParseSummary(tokens, ref i, summaries);
        var (entity, key, quoted) = ParseIdentifier(tokens, ref i, null);
        if (aggregate is not null)
        {
            if (tokens[i].Kind != TokenKind.RightParen)
            {
                throw SearchErrors.Invalid($"Invalid filter: expected ')' after {aggregate.Value.ToString().ToLowerInvariant()}(metrics.{key} at position {tokens[i].Position}.");
            }

            i++;
        }

        var op = ParseComparator(tokens, ref i);
        FilterValue value;
        if (op.IsPresence())
        {
            value = NullValue.Instance;
        }
        else if (op is Comparator.In or Comparator.NotIn)
        {
            value = ParseList(tokens, ref i);
        }
        else
        {
            var token = tokens[i];
            value = token.Kind switch
            {
                TokenKind.String => new StringValue(token.Text),
                TokenKind.Number => new NumberValue(double.Parse(token.Text, NumberStyles.Float, CultureInfo.InvariantCulture)),
                _ => throw SearchErrors.Invalid(token.Kind == TokenKind.End
                    ? $"Missing value after '{op.ToText()}' at the end of the filter."
                    : $"Invalid value '{token.Text}' at position {token.Position}: strings must be quoted, like '{token.Text}'."),
            };
            i++;
        }

        return new RawComparison(entity, key, quoted, op, value, start) { Aggregate = aggregate ?? MetricAggregate.Last };
    }

    /// <summary>Reads <c>min(</c>, <c>max(</c>, <c>count(</c> or <c>last(</c> before an identifier, if written.</summary>
    private static MetricAggregate? ParseSummary(List<Token> tokens, ref int i, bool summaries)
    {
        var token = tokens[i];
        if (token is not { Kind: TokenKind.Identifier, Quoted: false, Entity: null } || tokens[i + 1].Kind != TokenKind.LeftParen)
        {
            return null;
        }

        MetricAggregate? aggregate = token.Text.ToLowerInvariant() switch
        {
            "min" => MetricAggregate.Min,
            "max" => MetricAggregate.Max,
            "count" => MetricAggregate.Count,
            "last" => MetricAggregate.Last,
            _ => null,
        };
        if (aggregate is null)
        {
            throw SearchErrors.Invalid($"Invalid filter: unknown function '{token.Text}' at position {token.Position}. "
                + "Run searches accept min(metrics.KEY), max(metrics.KEY), count(metrics.KEY) and last(metrics.KEY).");
        }

        if (!summaries)
        {
            throw SearchErrors.Invalid($"Invalid filter: {token.Text}(…) at position {token.Position} compares a metric summary, which only run searches accept.");
        }

        i += 2;
        return aggregate;
    }

    private static (string? Entity, string Key, bool Quoted) ParseIdentifier(List<Token> tokens, ref int i, string? clause)
    {
        var token = tokens[i];
        i++;
        if (token.Kind == TokenKind.Identifier && token.Entity is not null)
        {
            return (token.Entity, token.Text, true);
        }

        if (token.Kind == TokenKind.Identifier && !token.Quoted)
        {
            var dot = token.Text.IndexOf('.', StringComparison.Ordinal);
            return dot < 0 ? (null, token.Text, false) : (token.Text[..dot], token.Text[(dot + 1)..], false);
        }

        if (token.Quoted)
        {
            return (null, token.Text, true);
        }

        var where = clause is null ? "filter" : $"order_by clause '{clause}'";
        throw SearchErrors.Invalid(token.Kind == TokenKind.End
            ? $"Invalid {where}: expected an identifier at the end."
            : $"Invalid {where}: expected an identifier at position {token.Position}, found '{token.Text}'.");
    }

    private static Comparator ParseComparator(List<Token> tokens, ref int i)
    {
        var token = tokens[i];
        i++;
        switch (token.Kind)
        {
            case TokenKind.Operator:
                return token.Text switch
                {
                    "=" => Comparator.Equal,
                    "!=" => Comparator.NotEqual,
                    "<" => Comparator.Less,
                    "<=" => Comparator.LessOrEqual,
                    ">" => Comparator.Greater,
                    ">=" => Comparator.GreaterOrEqual,
                    "LIKE" => Comparator.Like,
                    "ILIKE" => Comparator.ILike,
                    _ => throw SearchErrors.Invalid($"Invalid comparator '{token.Text}' at position {token.Position}."),
                };
            case TokenKind.In:
                return Comparator.In;
            case TokenKind.Not when tokens[i].Kind == TokenKind.In:
                i++;
                return Comparator.NotIn;
            case TokenKind.Identifier when !token.Quoted && token.Text.Equals("IS", StringComparison.OrdinalIgnoreCase):
                var negated = tokens[i].Kind == TokenKind.Not;
                if (negated)
                {
                    i++;
                }

                if (tokens[i] is not { Kind: TokenKind.Identifier, Quoted: false } nullWord || !nullWord.Text.Equals("NULL", StringComparison.OrdinalIgnoreCase))
                {
                    throw SearchErrors.Invalid($"Invalid filter: expected NULL after IS{(negated ? " NOT" : "")} at position {tokens[i].Position}.");
                }

                i++;
                return negated ? Comparator.IsNotNull : Comparator.IsNull;
            default:
                throw SearchErrors.Invalid(token.Kind == TokenKind.End
                    ? "Invalid filter: expected a comparator at the end."
                    : $"Invalid filter: expected a comparator at position {token.Position}, found '{token.Text}'.");
        }
    }

    private static ListValue ParseList(List<Token> tokens, ref int i)
    {
        if (tokens[i].Kind != TokenKind.LeftParen)
        {
            throw SearchErrors.Invalid($"Invalid filter: expected '(' after IN at position {tokens[i].Position}.");
        }

        i++;
        var values = new List<string>();
        while (true)
        {
            var token = tokens[i];
            if (token.Kind != TokenKind.String)
            {
                throw SearchErrors.Invalid($"Invalid filter: IN lists hold quoted strings; found '{token.Text}' at position {token.Position}.");
            }

            values.Add(token.Text);
            if (values.Count > MaxListItems)
            {
                throw SearchErrors.Invalid($"Invalid filter: an IN list may hold at most {MaxListItems} values.");
            }

            i++;
            if (tokens[i].Kind == TokenKind.Comma)
            {
                i++;
                continue;
            }

            if (tokens[i].Kind == TokenKind.RightParen)
            {
                i++;
                return new ListValue(values);
            }

            throw SearchErrors.Invalid($"Invalid filter: expected ',' or ')' at position {tokens[i].Position}.");
        }
    }
}
