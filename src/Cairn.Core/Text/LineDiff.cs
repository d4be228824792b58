namespace Cairn.Core.Text;

public enum DiffKind
{
    Same,
    Removed,
    Added,
}

/// <summary>One line of a diff with its 1-based number on each side it appears on.</summary>
public sealed record DiffLine(DiffKind Kind, string Text, int? LeftNumber, int? RightNumber);

/// <summary>A run of changes with up to <c>context</c> unchanged lines around it, as in a unified diff.</summary>
public sealed record DiffHunk(int LeftStart, int LeftCount, int RightStart, int RightCount, IReadOnlyList<DiffLine> Lines)
{
    public string Header => $"@@ -{LeftStart},{LeftCount} +{RightStart},{RightCount} @@";
}

/// <summary>
/// Myers' O(ND) line diff: the shortest edit script between two texts, after trimming their common head and tail.
/// Memory grows with the square of the number of edits, so the caller caps it and gets null past the cap.
/// </summary>
public static class LineDiff
{
    public static IReadOnlyList<DiffLine>? Compute(IReadOnlyList<string> left, IReadOnlyList<string> right, int maxEdits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxEdits);

        // Lines become ints so the inner loop compares numbers, not strings.
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var a = left.Select(l => Intern(ids, l)).ToArray();
        var b = right.Select(l => Intern(ids, l)).ToArray();

        var head = 0;
        while (head < a.Length && head < b.Length && a[head] == b[head])
        {
            head++;
        }

        var tail = 0;
        while (tail < a.Length - head && tail < b.Length - head && a[^(tail + 1)] == b[^(tail + 1)])
        {
            tail++;
        }

        var middle = Middle(a.AsSpan(head, a.Length - head - tail).ToArray(), b.AsSpan(head, b.Length - head - tail).ToArray(), maxEdits);
        if (middle is null)
        {
            return null;
        }

        var lines = new List<DiffLine>(a.Length + b.Length);
        int leftNumber = 1, rightNumber = 1;
        for (var i = 0; i < head; i++)
        {
            lines.Add(new DiffLine(DiffKind.Same, left[i], leftNumber++, rightNumber++));
        }

        foreach (var kind in middle)
        {
            lines.Add(kind switch
            {
                DiffKind.Same => new DiffLine(kind, left[leftNumber - 1], leftNumber++, rightNumber++),
                DiffKind.Removed => new DiffLine(kind, left[leftNumber - 1], leftNumber++, null),
                _ => new DiffLine(kind, right[rightNumber - 1], null, rightNumber++),
            });
        }

        for (var i = 0; i < tail; i++)
        {
            lines.Add(new DiffLine(DiffKind.Same, left[leftNumber - 1], leftNumber++, rightNumber++));
        }

        return lines;
    }

    /// <summary>Groups changes into hunks with <paramref name="context"/> unchanged lines on each side.</summary>
    public static IReadOnlyList<DiffHunk> Hunks(IReadOnlyList<DiffLine> lines, int context = 3)
    {
        var hunks = new List<DiffHunk>();
        var i = 0;
        while (i < lines.Count)
        {
            if (lines[i].Kind == DiffKind.Same)
            {
                i++;
                continue;
            }

            var start = Math.Max(0, i - context);
            var end = i;
            // Extend while the next change is within twice the context (the hunks would touch).
            while (end < lines.Count)
            {
                var nextChange = end;
                while (nextChange < lines.Count && lines[nextChange].Kind == DiffKind.Same)
                {
                    nextChange++;
                }

                if (nextChange == lines.Count || nextChange - end > 2 * context)
                {
                    break;
                }

                end = nextChange;
                while (end < lines.Count && lines[end].Kind != DiffKind.Same)
                {
                    end++;
                }
            }

            var stop = Math.Min(lines.Count, end + context);
            var slice = lines.Skip(start).Take(stop - start).ToList();
            var leftStart = slice.FirstOrDefault(l => l.LeftNumber is not null)?.LeftNumber ?? PreviousNumber(lines, start, l => l.LeftNumber);
            var rightStart = slice.FirstOrDefault(l => l.RightNumber is not null)?.RightNumber ?? PreviousNumber(lines, start, l => l.RightNumber);
            hunks.Add(new DiffHunk(leftStart, slice.Count(l => l.LeftNumber is not null), rightStart, slice.Count(l => l.RightNumber is not null), slice));
            i = stop;
        }

        return hunks;
    }

    private static int PreviousNumber(IReadOnlyList<DiffLine> lines, int before, Func<DiffLine, int?> number)
    {
        for (var i = before - 1; i >= 0; i--)
        {
            if (number(lines[i]) is { } n)
            {
                return n;
            }
        }

        return 0;
    }

    private static int Intern(Dictionary<string, int> ids, string line)
    {
        if (!ids.TryGetValue(line, out var id))
        {
            id = ids.Count;
            ids[line] = id;
        }

        return id;
    }

    /// <summary>The edit script of two sequences that differ at both ends, or null past <paramref name="maxEdits"/>.</summary>
    private static List<DiffKind>? Middle(int[] a, int[] b, int maxEdits)
    {
        int n = a.Length, m = b.Length, max = n + m;
        if (max == 0)
        {
            return [];
        }

        var offset = max + 1;
        var v = new int[(2 * max) + 3];
        var trace = new List<int[]>();
        var found = -1;
        for (var d = 0; d <= Math.Min(max, maxEdits) && found < 0; d++)
        {
            // V before step d, for diagonals -d..d: what the walk back needs.
            trace.Add(v.AsSpan(offset - d, (2 * d) + 1).ToArray());
            for (var k = -d; k <= d; k += 2)
            {
                var x = k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
                var y = x - k;
                while (x < n && y < m && a[x] == b[y])
                {
                    x++;
                    y++;
                }

                v[offset + k] = x;
                if (x >= n && y >= m)
                {
                    found = d;
                    break;
                }
            }
        }

        if (found < 0)
        {
            return null;
        }

        var script = new List<DiffKind>(n + m);
        int px = n, py = m;
        for (var d = found; d > 0; d--)
        {
            var vd = trace[d];
            int At(int k) => vd[k + d];
            var k = px - py;
            var previousK = k == -d || (k != d && At(k - 1) < At(k + 1)) ? k + 1 : k - 1;
            var previousX = At(previousK);
            var previousY = previousX - previousK;
            while (px > previousX && py > previousY)
            {
                script.Add(DiffKind.Same);
                px--;
                py--;
            }

            script.Add(px == previousX ? DiffKind.Added : DiffKind.Removed);
            (px, py) = (previousX, previousY);
        }

        while (px > 0 && py > 0)
        {
            script.Add(DiffKind.Same);
            px--;
            py--;
        }

        script.Reverse();
        return script;
    }
}
