package seed

import (
	"context"
	"testing"
)

func benchmarkGenerate(b *testing.B, cfg Config) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Generate(context.Background(), cfg, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGenerateTiny(b *testing.B)      { benchmarkGenerate(b, Tiny()) }
func BenchmarkGenerateShuangliu(b *testing.B) { benchmarkGenerate(b, Shuangliu()) }
func BenchmarkGenerateCity(b *testing.B)      { benchmarkGenerate(b, City()) }

// BenchmarkWriteDirShuangliu measures writing the default district's files.
func BenchmarkWriteDirShuangliu(b *testing.B) {
	d := generate(b, "shuangliu", Shuangliu())
	dir := b.TempDir()
	for b.Loop() {
		if err := d.WriteDir(dir); err != nil {
			b.Fatal(err)
		}
	}
}
