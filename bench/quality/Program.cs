using System.Diagnostics;
using System.Globalization;
using System.Text;
using Cairn.Quality.Baselines;
using Cairn.Quality.Drift;

// Drift benchmark: 1,000,000 rows × 50 columns (40 numeric, 10 categorical) compared with a stored baseline.
//
//   dotnet artifacts/bin/Cairn.Bench.Quality/release/Cairn.Bench.Quality.dll [rows] [repeats]   in-memory columns
//   dotnet artifacts/bin/Cairn.Bench.Quality/release/Cairn.Bench.Quality.dll files DIR [rows]  writes baseline.json and
//       current.csv for timing `cairn drift -b DIR/baseline.json -c DIR/current.csv` end to end
//
// Baseline data: seed 1; current data: seed 2, with 10 of the 50 columns shifted (numeric by 0.5 std, categorical
// by moving 20 % of the rows to another category), so the expected verdict is 10 drifted columns.
const int NumericColumns = 40, CategoricalColumns = 10, Shifted = 5;

if (args.Length > 0 && args[0] == "files")
{
    var folder = args[1];
    int fileRows = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1_000_000;
    Directory.CreateDirectory(folder);
    var clock = Stopwatch.StartNew();
    var baseline = BaselineBuilder.Build(Generate(fileRows, seed: 1, drift: false));
    await baseline.SaveAsync(Path.Combine(folder, "baseline.json"));
    Console.WriteLine($"baseline.json: built and written in {clock.Elapsed.TotalSeconds:0.00} s ({new FileInfo(Path.Combine(folder, "baseline.json")).Length / 1e6:0.0} MB)");
    clock.Restart();
    WriteCsv(Generate(fileRows, seed: 2, drift: true), Path.Combine(folder, "current.csv"));
    Console.WriteLine($"current.csv: written in {clock.Elapsed.TotalSeconds:0.00} s ({new FileInfo(Path.Combine(folder, "current.csv")).Length / 1e6:0.0} MB)");
    return;
}

if (args.Length > 0 && args[0] == "lines")
{
    // How much of reading a CSV is just getting its lines (UTF-8 decoding and line splitting).
    var me = Process.GetCurrentProcess();
    var cpu = me.TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    long count = 0, chars = 0, fields = 0;
    using (var reader = new StreamReader(args[1], Encoding.UTF8, true, new FileStreamOptions { BufferSize = 1 << 16 }))
    {
        while (reader.ReadLine() is { } line)
        {
            count++;
            chars += line.Length;
            fields += line.AsSpan().Count(',');
        }
    }

    me.Refresh();
    Console.WriteLine($"{count:N0} lines, {chars / 1e6:0} M chars, {fields / 1e6:0} M commas: {clock.Elapsed.TotalSeconds:0.00} s wall, {(me.TotalProcessorTime - cpu).TotalSeconds:0.00} s CPU");
    cpu = me.TotalProcessorTime;
    clock.Restart();
    int parsed = 0;
    using (var reader = new StreamReader(args[1], Encoding.UTF8, true, new FileStreamOptions { BufferSize = 1 << 16 }))
    {
        reader.ReadLine();
        while (reader.ReadLine() is { } line)
        {
            foreach (var range in line.AsSpan().Split(','))
            {
                if (ColumnarReader.TryParseNumber(line.AsSpan()[range], out _))
                {
                    parsed++;
                }
            }
        }
    }

    me.Refresh();
    Console.WriteLine($"and parsing every field as a number ({parsed / 1e6:0} M numbers): {clock.Elapsed.TotalSeconds:0.00} s wall, {(me.TotalProcessorTime - cpu).TotalSeconds:0.00} s CPU");
    return;
}

if (args.Length > 0 && args[0] == "read")
{
    // Times the two halves of `cairn drift` on files: reading the CSV into columns, then the comparison.
    var me = Process.GetCurrentProcess();
    var loaded = await Baseline.LoadAsync(args[1]);
    var clock = Stopwatch.StartNew();
    var cpu = me.TotalProcessorTime;
    var table = await ColumnarReader.ReadAsync(args[2], loaded.Kinds());
    me.Refresh();
    Console.WriteLine($"read {table.RowCount:N0} rows × {table.Columns.Count} columns: {clock.Elapsed.TotalSeconds:0.00} s wall, {(me.TotalProcessorTime - cpu).TotalSeconds:0.00} s CPU");
    clock.Restart();
    cpu = me.TotalProcessorTime;
    var result = DriftCalculator.Compare(loaded, table);
    me.Refresh();
    Console.WriteLine($"compared: {clock.Elapsed.TotalSeconds:0.00} s wall, {(me.TotalProcessorTime - cpu).TotalSeconds:0.00} s CPU; {result.Summary.ColumnsDrifted} drifted");
    return;
}

int rows = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
int repeats = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
Console.WriteLine($"rows {rows:N0}, columns {NumericColumns + CategoricalColumns} ({NumericColumns} numeric, {CategoricalColumns} categorical), " +
    $"processors {Environment.ProcessorCount}, .NET {Environment.Version}");

var sw = Stopwatch.StartNew();
var reference = Generate(rows, seed: 1, drift: false);
var current = Generate(rows, seed: 2, drift: true);
Console.WriteLine($"generated both tables in {sw.Elapsed.TotalSeconds:0.00} s");

sw.Restart();
var built = BaselineBuilder.Build(reference);
Console.WriteLine($"baseline built in {sw.Elapsed.TotalSeconds:0.00} s");
var path = Path.Combine(Path.GetTempPath(), $"cairn-bench-baseline-{Environment.ProcessId}.json");
await built.SaveAsync(path);
sw.Restart();
var stored = await Baseline.LoadAsync(path);
Console.WriteLine($"baseline stored ({new FileInfo(path).Length / 1e6:0.0} MB) and loaded in {sw.Elapsed.TotalSeconds:0.00} s");
File.Delete(path);
reference = null;
GC.Collect();

var times = new List<double>();
DriftReport? report = null;
var process = Process.GetCurrentProcess();
for (int i = 0; i < repeats; i++)
{
    process.Refresh();
    var cpu = process.TotalProcessorTime;
    sw.Restart();
    report = DriftCalculator.Compare(stored, current);
    times.Add(sw.Elapsed.TotalSeconds);
    process.Refresh();
    Console.WriteLine($"run {i + 1}: {times[^1]:0.000} s wall, {(process.TotalProcessorTime - cpu).TotalSeconds:0.000} s CPU (all threads)");
}

times.Sort();
Console.WriteLine($"drift of {rows:N0} rows × {current.Columns.Count} columns against the stored baseline: " +
    $"min {times[0]:0.000} s, median {times[times.Count / 2]:0.000} s, max {times[^1]:0.000} s");
Console.WriteLine($"verdict: {report!.Summary.ColumnsDrifted} of {report.Summary.ColumnsChecked} columns drifted " +
    $"({string.Join(", ", report.Columns.Where(c => c.Drifted).Select(c => c.Column))}); methods: " +
    string.Join(", ", report.Columns.GroupBy(c => c.Method).Select(g => $"{g.Key} × {g.Count()}")));

static ColumnarTable Generate(int rows, int seed, bool drift)
{
    var columns = new DataColumn[NumericColumns + CategoricalColumns];
    Parallel.For(0, columns.Length, c =>
    {
        var random = new Random(seed * 1000 + c);
        if (c < NumericColumns)
        {
            double shift = drift && c < Shifted ? 0.5 : 0;
            var values = new double[rows];
            for (int r = 0; r < rows; r++)
            {
                double z = Normal(random) + shift;
                values[r] = (c % 4) switch
                {
                    0 => z,                                        // continuous, many distinct values
                    1 => Math.Round(50_000 + 15_000 * z),          // whole numbers, tens of thousands distinct
                    2 => Math.Round(Math.Exp(0.5 * z) * 100, 2),   // skewed, cents
                    _ => Math.Round(10 + 3 * z),                   // few distinct integers
                };
                if (r % 997 == c)
                {
                    values[r] = double.NaN;                        // some missing values
                }
            }

            columns[c] = new NumericColumn($"num_{c:00}", values);
        }
        else
        {
            int k = 3 + (c - NumericColumns) * 5, categoryColumn = c - NumericColumns;
            var names = Enumerable.Range(0, k).Select(i => $"cat{categoryColumn}_{i}").ToArray();
            var codes = new int[rows];
            bool shifted = drift && categoryColumn < Shifted;
            for (int r = 0; r < rows; r++)
            {
                // Zipf-like category frequencies; drift moves 20 % of the rows to the last category.
                int code = Math.Min(k - 1, (int)(-Math.Log(1 - random.NextDouble()) * k / 3));
                codes[r] = shifted && random.NextDouble() < 0.2 ? k - 1 : code;
            }

            columns[c] = new CategoricalColumn($"cat_{categoryColumn:00}", codes, names);
        }
    });
    return new ColumnarTable(columns);
}

static double Normal(Random random) =>
    Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

static void WriteCsv(ColumnarTable table, string path)
{
    using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
    writer.Write(string.Join(',', table.Columns.Select(c => c.Name)));
    writer.Write('\n');
    var line = new StringBuilder();
    for (int r = 0; r < table.RowCount; r++)
    {
        line.Clear();
        for (int c = 0; c < table.Columns.Count; c++)
        {
            if (c > 0)
            {
                line.Append(',');
            }

            switch (table.Columns[c])
            {
                case NumericColumn n when !double.IsNaN(n.Values[r]):
                    line.Append(n.Values[r].ToString("R", CultureInfo.InvariantCulture));
                    break;
                case CategoricalColumn k:
                    line.Append(k.Categories[k.Codes[r]]);
                    break;
            }
        }

        line.Append('\n');
        writer.Write(line);
    }
}
