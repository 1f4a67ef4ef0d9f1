package httpapi

import (
	"strconv"
	"sync"
)

// encoded is a JSON answer already rendered; wrap writes it as is.
type encoded []byte

// answerCache keeps rendered catalog and health answers by request and
// index: an answer over a scope changes only when the scope's index moves,
// so repeated reads (and the herd of blocking queries woken by one change)
// cost a lookup instead of a walk and a JSON encoding. It is bounded by
// bytes and simply starts over when full.
type answerCache struct {
	mu    sync.Mutex
	m     map[string]encoded
	bytes int
	max   int
}

func newAnswerCache(maxBytes int) *answerCache {
	return &answerCache{m: map[string]encoded{}, max: maxBytes}
}

func cacheKey(uri string, index uint64, pretty bool) string {
	return strconv.FormatUint(index, 10) + "|" + strconv.FormatBool(pretty) + "|" + uri
}

func (c *answerCache) get(key string) (encoded, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.m[key]
	return b, ok
}

func (c *answerCache) put(key string, b encoded) {
	if len(b) > c.max/8 {
		return // one huge answer must not evict everything
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.bytes+len(b) > c.max {
		clear(c.m)
		c.bytes = 0
	}
	if _, ok := c.m[key]; !ok {
		c.m[key] = b
		c.bytes += len(b)
	}
}
