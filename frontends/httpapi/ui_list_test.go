package httpapi

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func uiQuery(t *testing.T, raw string) uiListQuery {
	t.Helper()
	q, err := url.ParseQuery(raw)
	if err != nil {
		t.Fatal(err)
	}
	l, err := parseUIList(q)
	if err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	return l
}

// rowsOf is a list of services with the given names and statuses.
func rowsOf(spec string) []uiServiceJSON {
	var out []uiServiceJSON
	for _, f := range strings.Fields(spec) {
		name, st, _ := strings.Cut(f, ":")
		tags := []string{"all"}
		if strings.HasPrefix(name, "api") {
			tags = append(tags, "HTTP")
		}
		out = append(out, uiServiceJSON{Name: name, Status: st, Tags: tags})
	}
	return out
}

func TestUIListPaging(t *testing.T) {
	rows := rowsOf("api-a:critical api-b:warning web:critical db:passing api-c:passing cache:passing")
	status := func(r *uiServiceJSON) string { return r.Status }
	names := func(rs []uiServiceJSON) string { return ids(rs, func(r uiServiceJSON) string { return r.Name }) }
	for _, c := range []struct {
		name, query, want string
		total             int
		facets            [3]int
	}{
		{"everything", "", "api-a,api-b,web,db,api-c,cache", 6, [3]int{3, 1, 2}},
		{"search ignores case", "search=API", "api-a,api-b,api-c", 3, [3]int{1, 1, 1}},
		{"search matches tags", "search=htt", "api-a,api-b,api-c", 3, [3]int{1, 1, 1}},
		{"tag any case", "tag=http", "api-a,api-b,api-c", 3, [3]int{1, 1, 1}},
		{"tags all of", "tag=http&tag=nope", "", 0, [3]int{}},
		{"status", "status=critical", "api-a,web", 2, [3]int{3, 1, 2}},
		{"statuses any of", "status=critical&status=warning", "api-a,api-b,web", 3, [3]int{3, 1, 2}},
		{"facets follow search, not status", "search=api&status=passing", "api-c", 1, [3]int{1, 1, 1}},
		{"first page", "per_page=2", "api-a,api-b", 6, [3]int{3, 1, 2}},
		{"second page", "per_page=2&page=2", "web,db", 6, [3]int{3, 1, 2}},
		{"last page short", "per_page=4&page=2", "api-c,cache", 6, [3]int{3, 1, 2}},
		{"past the end", "per_page=4&page=9", "", 6, [3]int{3, 1, 2}},
		{"page 0 is 1", "per_page=1&page=0", "api-a", 6, [3]int{3, 1, 2}},
		{"paged and filtered", "status=passing&per_page=2&page=2", "cache", 3, [3]int{3, 1, 2}},
	} {
		t.Run(c.name, func(t *testing.T) {
			q := uiQuery(t, c.query)
			out, p := pageRows(rows, q, q.matchService, status)
			if names(out) != c.want || p.total != c.total || p.all != 6 || p.byStatus != c.facets {
				t.Errorf("got %s total %d facets %v, want %s total %d facets %v", names(out), p.total, p.byStatus, c.want, c.total, c.facets)
			}
			if out == nil {
				t.Error("nil rows encode as null")
			}
		})
	}
}

func TestUIListNodes(t *testing.T) {
	rows := []uiNodeJSON{{Node: "web-1", Address: "10.0.0.1", Status: "passing"}, {Node: "db-1", Address: "10.0.1.1", Status: "critical"}}
	for raw, want := range map[string]string{"search=DB": "db-1", "search=10.0.0": "web-1", "tag=x": "", "": "web-1,db-1"} {
		q := uiQuery(t, raw)
		out, _ := pageRows(rows, q, q.matchNode, func(r *uiNodeJSON) string { return r.Status })
		if got := ids(out, func(r uiNodeJSON) string { return r.Node }); got != want {
			t.Errorf("%q: got %s, want %s", raw, got, want)
		}
	}
}

func TestUIListBadParams(t *testing.T) {
	for _, raw := range []string{"status=down", "sort=size", "page=-1", "page=x", "per_page=1e3"} {
		q, _ := url.ParseQuery(raw)
		if _, err := parseUIList(q); err == nil {
			t.Errorf("%s: no error", raw)
		} else if st, _ := errorStatus(err); st != http.StatusBadRequest {
			t.Errorf("%s: status %d", raw, st)
		}
	}
	if q := uiQuery(t, "sort=name&per_page=0"); !q.byName || q.perPage != 1 {
		t.Errorf("%+v", q)
	}
}

func TestUIContainsFold(t *testing.T) {
	for _, c := range []struct {
		s, sub string
		want   bool
	}{{"Payments-API", "api", true}, {"payments", "", true}, {"ab", "abc", false}, {"xAbAbC", "abc", true}, {"abd", "abc", false}} {
		if got := containsFold(c.s, c.sub); got != c.want {
			t.Errorf("containsFold(%q, %q) = %v", c.s, c.sub, got)
		}
	}
}
