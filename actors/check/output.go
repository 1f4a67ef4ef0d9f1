package check

// DefaultOutputMaxSize is Consul's cap on captured check output (4 KB): the
// agent's check_output_max_size default, lowered per check by
// output_max_size. It bounds the captured body or program output, not the
// text Consul frames around it ("HTTP GET …: 200 OK Output: " + body).
const DefaultOutputMaxSize = 4096

// tail is an io.Writer that keeps the last size bytes written to it, like
// the circular buffer Consul captures HTTP bodies and script output in.
type tail struct {
	size  int
	buf   []byte
	total int64
}

func newTail(size int) *tail {
	if size <= 0 {
		size = DefaultOutputMaxSize
	}
	return &tail{size: size}
}

func (t *tail) Write(p []byte) (int, error) {
	t.total += int64(len(p))
	if len(p) >= t.size {
		t.buf = append(t.buf[:0], p[len(p)-t.size:]...)
		return len(p), nil
	}
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.size; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

func (t *tail) String() string { return string(t.buf) }

// truncated reports whether bytes were dropped.
func (t *tail) truncated() bool { return t.total > int64(len(t.buf)) }
