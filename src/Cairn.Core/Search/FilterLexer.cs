using System.Globalization;
using System.Text;

namespace Cairn.Core.Search;

internal enum TokenKind
{
    Identifier,
    String,
    Number,
    Operator,
    And,
    In,
    Not,
    LeftParen,
    RightParen,
    Comma,
    End,
}

/// <summary>A lexical token; <see cref="Quoted"/> marks identifiers written in backticks or double quotes.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Position, bool Quoted = false, string? Entity = null);

/// <summary>Splits a filter string into tokens. Keeps positions so errors can point at the offending text.</summary>
internal static class FilterLexer
{
    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            var start = i;
            switch (c)
            {
                case '(':
                    tokens.Add(new Token(TokenKind.LeftParen, "(", start));
                    i++;
                    continue;
                case ')':
                    tokens.Add(new Token(TokenKind.RightParen, ")", start));
                    i++;
                    continue;
                case ',':
                    tokens.Add(new Token(TokenKind.Comma, ",", start));
                    i++;
                    continue;
                case '\'':
                    tokens.Add(new Token(TokenKind.String, ReadQuoted(text, ref i, '\''), start));
                    continue;
                case '"':
                    // A double-quoted word is a string value or a quoted key; the parser decides by position.
                    tokens.Add(new Token(TokenKind.String, ReadQuoted(text, ref i, '"'), start, Quoted: true));
                    continue;
                case '`':
                    tokens.Add(new Token(TokenKind.Identifier, ReadQuoted(text, ref i, '`'), start, Quoted: true));
                    continue;
                case '=' or '!' or '<' or '>':
                    tokens.Add(new Token(TokenKind.Operator, ReadOperator(text, ref i), start));
                    continue;
            }

            if (char.IsAsciiDigit(c) || ((c == '-' || c == '+' || c == '.') && i + 1 < text.Length && (char.IsAsciiDigit(text[i + 1]) || text[i + 1] == '.')))
            {
                tokens.Add(new Token(TokenKind.Number, ReadNumber(text, ref i), start));
                continue;
            }

            if (IsWordChar(c))
            {
                tokens.Add(ReadWord(text, ref i));
                continue;
            }

            throw SearchErrors.Invalid($"Invalid character '{c}' at position {start} in filter.");
        }

        tokens.Add(new Token(TokenKind.End, "", text.Length));
        return tokens;
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '.' or '-' or '/' or ':';

    private static Token ReadWord(string text, ref int i)
    {
        var start = i;
        while (i < text.Length)
        {
            var c = text[i];
            if (IsWordChar(c))
            {
                i++;
            }
            else if ((c == '`' || c == '"') && i > start && text[i - 1] == '.')
            {
                // entity."quoted key": the quoted key belongs to this identifier.
                var entity = text[start..(i - 1)];
                var key = ReadQuoted(text, ref i, c);
                return new Token(TokenKind.Identifier, key, start, Quoted: true, Entity: entity);
            }
            else
            {
                break;
            }
        }

        var word = text[start..i];
        var kind = word.ToUpperInvariant() switch
        {
            "AND" => TokenKind.And,
            "IN" => TokenKind.In,
            "NOT" => TokenKind.Not,
            "LIKE" or "ILIKE" => TokenKind.Operator,
            _ => TokenKind.Identifier,
        };
        return new Token(kind, kind == TokenKind.Operator ? word.ToUpperInvariant() : word, start);
    }

    private static string ReadQuoted(string text, ref int i, char quote)
    {
        var start = i;
        i++;
        var builder = new StringBuilder();
        while (i < text.Length)
        {
            var c = text[i];
            if (c == quote)
            {
                // A doubled quote inside a quoted string stands for the quote itself.
                if (i + 1 < text.Length && text[i + 1] == quote)
                {
                    builder.Append(quote);
                    i += 2;
                    continue;
                }

                i++;
                return builder.ToString();
            }

            if (c == '\\' && i + 1 < text.Length && (text[i + 1] == quote || text[i + 1] == '\\'))
            {
                builder.Append(text[i + 1]);
                i += 2;
                continue;
            }

            builder.Append(c);
            i++;
        }

        throw SearchErrors.Invalid($"Unterminated quoted text starting at position {start} in filter.");
    }

    private static string ReadOperator(string text, ref int i)
    {
        var two = i + 1 < text.Length ? text.Substring(i, 2) : null;
        if (two is "!=" or "<=" or ">=" or "==")
        {
            i += 2;
            return two == "==" ? "=" : two;
        }

        var one = text[i];
        if (one == '!')
        {
            throw SearchErrors.Invalid($"Invalid operator '!' at position {i} in filter.");
        }

        i++;
        return one.ToString();
    }

    private static string ReadNumber(string text, ref int i)
    {
        var start = i;
        i++;
        while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] is '.' or 'e' or 'E'
            || ((text[i] is '-' or '+') && text[i - 1] is 'e' or 'E')))
        {
            i++;
        }

        var number = text[start..i];
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            throw SearchErrors.Invalid($"Invalid number '{number}' at position {start} in filter.");
        }

        return number;
    }
}
