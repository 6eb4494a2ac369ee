package seed

import (
	"strings"
	"testing"
)

func TestApportion(t *testing.T) {
	tests := []struct {
		name    string
		total   int
		weights []float64
		least   int
		want    []int
		wantErr string
	}{
		{name: "exact", total: 10, weights: []float64{1, 1}, want: []int{5, 5}},
		{name: "largest remainder", total: 10, weights: []float64{1, 1, 1}, want: []int{4, 3, 3}},
		{name: "remainders ranked", total: 7, weights: []float64{0.5, 0.3, 0.2}, want: []int{4, 2, 1}},
		{name: "least first", total: 5, weights: []float64{1, 0, 0}, least: 1, want: []int{3, 1, 1}},
		{name: "zero weights share evenly", total: 4, weights: []float64{0, 0}, want: []int{2, 2}},
		{name: "too few for least", total: 2, weights: []float64{1, 1, 1}, least: 1, wantErr: "at least 1"},
		{name: "negative weight", total: 2, weights: []float64{1, -1}, wantErr: "negative"},
		{name: "nobody", total: 3, weights: nil, wantErr: "nobody"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := apportion(tc.total, tc.weights, tc.least)
			checkShares(t, got, err, tc.want, tc.wantErr)
		})
	}
}

func TestApportionCapped(t *testing.T) {
	tests := []struct {
		name    string
		total   int
		weights []float64
		least   int
		caps    []int
		want    []int
		wantErr string
	}{
		{name: "under caps", total: 6, weights: []float64{1, 2}, caps: []int{10, 10}, want: []int{2, 4}},
		{name: "cap passes the rest on", total: 10, weights: []float64{8, 1, 1}, caps: []int{4, 10, 10}, want: []int{4, 3, 3}},
		{name: "caps cascade", total: 9, weights: []float64{10, 5, 1}, caps: []int{3, 3, 10}, want: []int{3, 3, 3}},
		{name: "no room", total: 9, weights: []float64{1, 1}, caps: []int{4, 4}, wantErr: "room for 8"},
		{name: "cap below least", total: 2, weights: []float64{1, 1}, least: 1, caps: []int{0, 4}, wantErr: "less than the least"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := apportionCapped(tc.total, tc.weights, tc.least, tc.caps)
			checkShares(t, got, err, tc.want, tc.wantErr)
		})
	}
}

func checkShares(t *testing.T, got []int, err error, want []int, wantErr string) {
	t.Helper()
	if wantErr != "" {
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Fatalf("error = %v, want one containing %q", err, wantErr)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}
