namespace Cairn.Serving.Batching;

/// <summary>How requests of one kind (frames, tensors) are counted, merged into one model call and split back.</summary>
internal interface IBatchShape<TInput, TOutput>
{
    int Rows(TInput input);

    /// <summary>Whether two requests can share a model call (same columns or tensors, same types, same inner shapes).</summary>
    bool CanMerge(TInput first, TInput other);

    TInput Merge(IReadOnlyList<TInput> inputs);

    /// <summary>The output cut into one part per request, by row counts; null when the output is not row-aligned.</summary>
    IReadOnlyList<TOutput>? Split(TOutput output, IReadOnlyList<int> rows);
}
