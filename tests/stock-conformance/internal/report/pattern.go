package report

import "io"

// PatternByte is byte i of the fixture's test stream: (i mod 251) XOR ((i div 251) mod 256).
// Uploads, downloads and UploadData carry this stream, so both sides can check a transfer
// byte for byte without keeping a copy.
func PatternByte(i int64) byte {
	return byte(i%251) ^ byte(i/251)
}

// FillPattern writes bytes off, off+1, ... of the stream into b.
func FillPattern(b []byte, off int64) {
	for j := range b {
		b[j] = PatternByte(off + int64(j))
	}
}

// PatternReader returns a reader of the first n bytes of the stream.
func PatternReader(n int64) io.Reader {
	return &patternReader{n: n}
}

type patternReader struct {
	off, n int64
}

func (r *patternReader) Read(b []byte) (int, error) {
	if r.off >= r.n {
		return 0, io.EOF
	}
	if rest := r.n - r.off; int64(len(b)) > rest {
		b = b[:rest]
	}
	FillPattern(b, r.off)
	r.off += int64(len(b))
	return len(b), nil
}
