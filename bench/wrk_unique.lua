-- wrk: every request carries a parameter seen never before, so no page cache
-- keyed by URL can answer it ("uncached" in make bench).
local counter = 0
local thread_tag = tostring(math.random(1, 1000000000))

request = function()
  counter = counter + 1
  local separator = string.find(wrk.path, "?", 1, true) and "&" or "?"
  return wrk.format(nil, wrk.path .. separator .. "_bust=" .. thread_tag .. "-" .. counter)
end
