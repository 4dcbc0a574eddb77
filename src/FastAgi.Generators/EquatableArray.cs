using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace FastAgi.Generators;

/// <summary>An immutable array that compares by its items, so that the generator's incremental steps cache.</summary>
internal readonly struct EquatableArray<T>(ImmutableArray<T> items) : IEquatable<EquatableArray<T>>, IEnumerable<T>
    where T : IEquatable<T>
{
    private readonly ImmutableArray<T> _items = items;

    public static implicit operator EquatableArray<T>(T[] items) => new(ImmutableArray.Create(items));

    public bool Equals(EquatableArray<T> other) => _items.IsDefaultOrEmpty ? other._items.IsDefaultOrEmpty : !other._items.IsDefault && _items.SequenceEqual(other._items);

    public override bool Equals(object? obj) => obj is EquatableArray<T> other && Equals(other);

    public override int GetHashCode() => _items.IsDefaultOrEmpty ? 0 : _items.Aggregate(17, static (hash, item) => (hash * 31) + item.GetHashCode());

    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)(_items.IsDefault ? ImmutableArray<T>.Empty : _items)).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
