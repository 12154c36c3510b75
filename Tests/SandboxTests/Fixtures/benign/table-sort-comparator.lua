-- expect: ok
-- table.sort with and without comparators, and the rest of the table library.
local t = {5, 3, 8, 1, 9, 2}
table.sort(t)
assert(table.concat(t, ",") == "1,2,3,5,8,9")
table.sort(t, function(a, b) return a > b end)
assert(table.concat(t, ",") == "9,8,5,3,2,1")
local people = {
  {name = "cy", age = 30}, {name = "al", age = 25}, {name = "bo", age = 30}, {name = "di", age = 20},
}
table.sort(people, function(a, b)
  if a.age ~= b.age then return a.age < b.age end
  return a.name < b.name
end)
local order = {}
for i, p in ipairs(people) do order[i] = p.name end
assert(table.concat(order, " ") == "di al bo cy")
local words = {"pear", "Apple", "fig", "banana"}
table.sort(words, function(a, b) return a:lower() < b:lower() end)
assert(table.concat(words, ",") == "Apple,banana,fig,pear")
local big = {}
for i = 1, 1000 do big[i] = (i * 7919) % 1009 end
table.sort(big)
for i = 2, #big do assert(big[i - 1] <= big[i]) end
assert(not pcall(table.sort, {1, "x", 2}))
local q = {}
table.insert(q, "a"); table.insert(q, "c"); table.insert(q, 2, "b")
assert(table.concat(q) == "abc")
assert(table.remove(q, 1) == "a" and table.remove(q) == "c" and #q == 1)
local packed = table.pack(1, nil, 3)
assert(packed.n == 3 and packed[3] == 3)
assert(select("#", table.unpack({1, 2, 3})) == 3)
local a, b = table.unpack({1, 2, 3}, 2, 3)
assert(a == 2 and b == 3)
local moved = table.move({1, 2, 3}, 1, 3, 2, {})
assert(moved[1] == nil and moved[4] == 3)
assert(table.concat({1, 2.5, "x"}, "-", 2, 3) == "2.5-x")
assert(table.concat({}, ",") == "")
assert(not pcall(table.concat, {{}}))
assert(not pcall(table.insert, {}, 5, "x"))
