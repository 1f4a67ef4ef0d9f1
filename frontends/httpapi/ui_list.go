package httpapi

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// uiListQuery is what a UI list request asks for:
//
//	?search=   case-insensitive substring of the name or a tag (services),
//	           of the name or the address (nodes)
//	?tag=      repeatable; a service must carry every one (any case)
//	?status=   repeatable; passing, warning or critical, any of them
//	?sort=     health (default: critical first, then warning, then by
//	           name) or name
//	?page=     1-based page number (default 1)
//	?per_page= page size; without it the whole list is answered
type uiListQuery struct {
	search   string // lower-cased
	tags     []string
	statuses [3]bool // by statusRank
	anyOf    bool    // some status was asked for
	byName   bool
	page     int
	perPage  int // 0: no paging
}

// parseUIList reads a uiListQuery; bad values are 400s.
func parseUIList(q url.Values) (uiListQuery, error) {
	l := uiListQuery{search: strings.ToLower(q.Get("search")), tags: q["tag"], page: 1}
	for _, s := range q["status"] {
		switch s {
		case "passing", "warning", "critical":
			l.statuses[statusRank(s)], l.anyOf = true, true
		default:
			return l, badRequest("Invalid status " + strconv.Quote(s) + ": want passing, warning or critical")
		}
	}
	switch q.Get("sort") {
	case "", "health":
	case "name":
		l.byName = true
	default:
		return l, badRequest("Invalid sort " + strconv.Quote(q.Get("sort")) + ": want health or name")
	}
	page, err := parseUintParam(q, "page")
	if err != nil {
		return l, err
	}
	if page != nil && *page > 1 {
		l.page = int(min(*page, 1<<31))
	}
	per, err := parseUintParam(q, "per_page")
	if err != nil {
		return l, err
	}
	if per != nil {
		l.perPage = int(min(max(*per, 1), 1<<20))
	}
	return l, nil
}

// uiPage is what a list answer reports besides its rows (in headers).
type uiPage struct {
	total    int    // rows matching every filter
	all      int    // rows before filtering
	byStatus [3]int // rows matching ?search and ?tag, by status: what each ?status would give
}

// uiRow is what the list filters see of a row.
type uiRow interface {
	uiServiceJSON | uiNodeJSON
}

// pageRows filters rows (already in the order asked for), counts them
// and cuts the page. match applies ?search and ?tag; status is the row's.
func pageRows[T uiRow](rows []T, q uiListQuery, match func(*T) bool, status func(*T) string) ([]T, uiPage) {
	p := uiPage{all: len(rows)}
	first := (q.page - 1) * q.perPage
	out := []T{}
	for i := range rows {
		r := &rows[i]
		if !match(r) {
			continue
		}
		rank := statusRank(status(r))
		p.byStatus[rank]++
		if q.anyOf && !q.statuses[rank] {
			continue
		}
		if q.perPage == 0 || (p.total >= first && p.total < first+q.perPage) {
			out = append(out, *r)
		}
		p.total++
	}
	return out, p
}

// matchService applies ?search (name or a tag) and ?tag to a service row.
func (q uiListQuery) matchService(r *uiServiceJSON) bool {
	if q.search != "" && !containsFold(r.Name, q.search) && !anyContainsFold(r.Tags, q.search) {
		return false
	}
	for _, t := range q.tags {
		if !anyEqualFold(r.Tags, t) {
			return false
		}
	}
	return true
}

// matchNode applies ?search (name or address) to a node row; nodes have
// no tags, so any ?tag matches none.
func (q uiListQuery) matchNode(r *uiNodeJSON) bool {
	if len(q.tags) > 0 {
		return false
	}
	return q.search == "" || containsFold(r.Node, q.search) || containsFold(r.Address, q.search)
}

// containsFold reports whether s contains lower (already lower-cased),
// ignoring ASCII case, without allocating.
func containsFold(s, lower string) bool {
	n := len(lower)
	for i := 0; i+n <= len(s); i++ {
		j := 0
		for ; j < n; j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != lower[j] {
				break
			}
		}
		if j == n {
			return true
		}
	}
	return false
}

func anyContainsFold(ss []string, lower string) bool {
	for _, s := range ss {
		if containsFold(s, lower) {
			return true
		}
	}
	return false
}

func anyEqualFold(ss []string, t string) bool {
	for _, s := range ss {
		if strings.EqualFold(s, t) {
			return true
		}
	}
	return false
}

// setPageHeaders reports a list's counts (consuld's own headers; Consul's
// clients ignore them).
func setPageHeaders(h http.Header, p uiPage) {
	h.Set("X-Consuld-Total", strconv.Itoa(p.total))
	h.Set("X-Consuld-Unfiltered", strconv.Itoa(p.all))
	h.Set("X-Consuld-Passing", strconv.Itoa(p.byStatus[0]))
	h.Set("X-Consuld-Warning", strconv.Itoa(p.byStatus[1]))
	h.Set("X-Consuld-Critical", strconv.Itoa(p.byStatus[2]))
}
