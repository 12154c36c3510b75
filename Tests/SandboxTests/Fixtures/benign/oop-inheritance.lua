-- expect: ok
-- Classes with metatables, inheritance, super calls and metamethods.
local Account = {}
Account.__index = Account
Account.__tostring = function(self) return self.owner .. ": " .. self.balance end
Account.__eq = function(a, b) return a.balance == b.balance end
Account.__lt = function(a, b) return a.balance < b.balance end
Account.__le = function(a, b) return a.balance <= b.balance end

function Account.new(owner, balance)
  return setmetatable({owner = owner, balance = balance or 0}, Account)
end
function Account:deposit(amount)
  assert(amount > 0, "amount must be positive")
  self.balance = self.balance + amount
  return self
end
function Account:withdraw(amount)
  if amount > self.balance then error({code = "insufficient", need = amount - self.balance}) end
  self.balance = self.balance - amount
end

local Savings = setmetatable({}, {__index = Account})
Savings.__index = Savings
Savings.__tostring = Account.__tostring
Savings.__eq = Account.__eq
Savings.__lt = Account.__lt
function Savings.new(owner, balance, rate)
  local self = Account.new(owner, balance)
  self.rate = rate
  return setmetatable(self, Savings)
end
function Savings:accrue() return self:deposit(self.balance * self.rate) end
function Savings:withdraw(amount)
  if amount > 100 then error("limit exceeded", 2) end
  Account.withdraw(self, amount)
end

local a = Account.new("ann", 100):deposit(50)
local s = Savings.new("sam", 200, 0.5)
s:accrue()
assert(a.balance == 150)
assert(s.balance == 300.0)
assert(tostring(a) == "ann: 150")
assert(tostring(s) == "sam: 300.0")
assert(getmetatable(a) == Account and getmetatable(s) == Savings)
assert(s.deposit == Account.deposit)
assert(a < s and not (s < a))
assert(a ~= s)
assert(Account.new("x", 150) == a)
local ok, err = pcall(a.withdraw, a, 1000)
assert(not ok and type(err) == "table" and err.code == "insufficient" and err.need == 850)
ok, err = pcall(s.withdraw, s, 500)
assert(not ok and type(err) == "string")
s:withdraw(100)
assert(s.balance == 200.0)
-- Class-level changes after setmetatable are seen through __index.
function Account:describe() return "account of " .. self.owner end
assert(a:describe() == "account of ann" and s:describe() == "account of sam")
