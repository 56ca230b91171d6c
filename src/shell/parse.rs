//! The part of Python a Django shell session types: assignments, attribute reads and writes,
//! calls with keyword arguments, subscripts and slices, literals, `import` lines.

use std::fmt;

/// A syntax error, with the column it was found at.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    /// What is wrong.
    pub message: String,
    /// The column (from 1).
    pub column: usize,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SyntaxError: {} (column {})", self.message, self.column)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Name(String),
    Int(i64),
    Float(f64),
    Str(String),
    Punct(&'static str),
}

fn tokenize(line: &str) -> Result<Vec<(Token, usize)>, SyntaxError> {
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    let err = |message: &str, column: usize| SyntaxError {
        message: message.to_string(),
        column: column + 1,
    };
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c == '#' {
            break;
        }
        if c.is_alphabetic() || c == '_' {
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push((Token::Name(chars[start..i].iter().collect()), start));
            continue;
        }
        if c.is_ascii_digit() {
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '_') {
                i += 1;
            }
            let mut float = false;
            if i + 1 < chars.len() && chars[i] == '.' && chars[i + 1].is_ascii_digit() {
                float = true;
                i += 1;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
            }
            let text: String = chars[start..i].iter().filter(|c| **c != '_').collect();
            out.push((
                if float {
                    Token::Float(text.parse().map_err(|_| err("invalid number", start))?)
                } else {
                    Token::Int(text.parse().map_err(|_| err("invalid number", start))?)
                },
                start,
            ));
            continue;
        }
        if c == '"' || c == '\'' {
            let quote = c;
            i += 1;
            let mut s = String::new();
            loop {
                let Some(&ch) = chars.get(i) else {
                    return Err(err("unterminated string literal", start));
                };
                i += 1;
                if ch == quote {
                    break;
                }
                if ch == '\\' {
                    let Some(&next) = chars.get(i) else {
                        return Err(err("unterminated string literal", start));
                    };
                    i += 1;
                    s.push(match next {
                        'n' => '\n',
                        't' => '\t',
                        other => other,
                    });
                } else {
                    s.push(ch);
                }
            }
            out.push((Token::Str(s), start));
            continue;
        }
        const PUNCT: &[&str] = &[
            "==", "!=", "<=", ">=", "(", ")", "[", "]", "{", "}", ",", ".", "=", ":", ";", "-",
            "+", "*", "<", ">",
        ];
        let rest: String = chars[i..chars.len().min(i + 2)].iter().collect();
        match PUNCT.iter().find(|p| rest.starts_with(**p)) {
            Some(p) => {
                out.push((Token::Punct(p), start));
                i += p.chars().count();
            }
            None => return Err(err(&format!("invalid character '{c}'"), start)),
        }
    }
    Ok(out)
}

/// An expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A name.
    Name(String),
    /// `None`, `True`, `False`, numbers and strings.
    Literal(Literal),
    /// `[a, b]` or `(a, b)`.
    List(Vec<Expr>),
    /// `{k: v}`.
    Dict(Vec<(Expr, Expr)>),
    /// `x.name`.
    Attr(Box<Expr>, String),
    /// `f(a, k=v)`.
    Call(Box<Expr>, Vec<Expr>, Vec<(String, Expr)>),
    /// `x[i]`.
    Index(Box<Expr>, Box<Expr>),
    /// `x[a:b]`.
    Slice(Box<Expr>, Option<Box<Expr>>, Option<Box<Expr>>),
    /// `-x`.
    Neg(Box<Expr>),
    /// `a + b`, `a - b`, `a == b`, ...
    Binary(Box<Expr>, &'static str, Box<Expr>),
}

/// A literal value.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// `None`.
    None,
    /// `True`/`False`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string.
    Str(String),
}

/// A statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Stmt {
    /// `import x` or `from x import a, b`: the names it binds.
    Import(Vec<String>),
    /// `name = value`.
    Assign(String, Expr),
    /// `obj.attr = value`.
    SetAttr(Expr, String, Expr),
    /// An expression whose value the shell shows.
    Expr(Expr),
}

/// A call's positional and keyword arguments.
type Arguments = (Vec<Expr>, Vec<(String, Expr)>);

struct Parser {
    tokens: Vec<(Token, usize)>,
    pos: usize,
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos).map(|(t, _)| t)
    }

    fn column(&self) -> usize {
        self.tokens
            .get(self.pos)
            .map(|(_, c)| c + 1)
            .unwrap_or(self.end + 1)
    }

    fn error(&self, message: &str) -> SyntaxError {
        SyntaxError {
            message: message.to_string(),
            column: self.column(),
        }
    }

    fn is(&self, p: &str) -> bool {
        matches!(self.peek(), Some(Token::Punct(q)) if *q == p)
    }

    fn eat(&mut self, p: &str) -> bool {
        if self.is(p) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, p: &str) -> Result<(), SyntaxError> {
        if self.eat(p) {
            Ok(())
        } else {
            Err(self.error(&format!("expected '{p}'")))
        }
    }

    fn name(&mut self) -> Result<String, SyntaxError> {
        match self.peek().cloned() {
            Some(Token::Name(n)) => {
                self.pos += 1;
                Ok(n)
            }
            _ => Err(self.error("expected a name")),
        }
    }

    fn statement(&mut self) -> Result<Stmt, SyntaxError> {
        if let Some(Token::Name(kw)) = self.peek().cloned() {
            if kw == "import" {
                self.pos += 1;
                let mut names = vec![self.dotted()?];
                while self.eat(",") {
                    names.push(self.dotted()?);
                }
                return Ok(Stmt::Import(
                    names
                        .into_iter()
                        .map(|n| n.split('.').next().unwrap_or("").to_string())
                        .collect(),
                ));
            }
            if kw == "from" {
                self.pos += 1;
                self.dotted()?;
                match self.peek() {
                    Some(Token::Name(n)) if n == "import" => self.pos += 1,
                    _ => return Err(self.error("expected 'import'")),
                }
                let paren = self.eat("(");
                let mut names = Vec::new();
                loop {
                    let n = self.name()?;
                    if matches!(self.peek(), Some(Token::Name(a)) if a == "as") {
                        self.pos += 1;
                        names.push(self.name()?);
                    } else {
                        names.push(n);
                    }
                    if !self.eat(",") {
                        break;
                    }
                }
                if paren {
                    self.expect(")")?;
                }
                return Ok(Stmt::Import(names));
            }
        }
        let target = self.expr()?;
        if self.eat("=") {
            let value = self.expr()?;
            return match target {
                Expr::Name(n) => Ok(Stmt::Assign(n, value)),
                Expr::Attr(obj, attr) => Ok(Stmt::SetAttr(*obj, attr, value)),
                _ => Err(self.error("cannot assign to expression")),
            };
        }
        Ok(Stmt::Expr(target))
    }

    fn dotted(&mut self) -> Result<String, SyntaxError> {
        let mut n = self.name()?;
        while self.eat(".") {
            n.push('.');
            n.push_str(&self.name()?);
        }
        Ok(n)
    }

    fn expr(&mut self) -> Result<Expr, SyntaxError> {
        let left = self.sum()?;
        for op in ["==", "!=", "<=", ">=", "<", ">"] {
            if self.is(op) {
                self.pos += 1;
                let right = self.sum()?;
                let op: &'static str = match op {
                    "==" => "==",
                    "!=" => "!=",
                    "<=" => "<=",
                    ">=" => ">=",
                    "<" => "<",
                    _ => ">",
                };
                return Ok(Expr::Binary(Box::new(left), op, Box::new(right)));
            }
        }
        Ok(left)
    }

    fn sum(&mut self) -> Result<Expr, SyntaxError> {
        let mut left = self.unary()?;
        loop {
            let op = if self.eat("+") {
                "+"
            } else if self.eat("-") {
                "-"
            } else if self.eat("*") {
                "*"
            } else {
                return Ok(left);
            };
            let right = self.unary()?;
            left = Expr::Binary(Box::new(left), op, Box::new(right));
        }
    }

    fn unary(&mut self) -> Result<Expr, SyntaxError> {
        if self.eat("-") {
            return Ok(Expr::Neg(Box::new(self.unary()?)));
        }
        self.postfix()
    }

    fn postfix(&mut self) -> Result<Expr, SyntaxError> {
        let mut e = self.primary()?;
        loop {
            if self.eat(".") {
                e = Expr::Attr(Box::new(e), self.name()?);
            } else if self.eat("(") {
                let (args, kwargs) = self.arguments()?;
                e = Expr::Call(Box::new(e), args, kwargs);
            } else if self.eat("[") {
                let start = if self.is(":") {
                    None
                } else {
                    Some(Box::new(self.expr()?))
                };
                if self.eat(":") {
                    let end = if self.is("]") {
                        None
                    } else {
                        Some(Box::new(self.expr()?))
                    };
                    self.expect("]")?;
                    e = Expr::Slice(Box::new(e), start, end);
                } else {
                    self.expect("]")?;
                    let index = start.ok_or_else(|| self.error("expected an index"))?;
                    e = Expr::Index(Box::new(e), index);
                }
            } else {
                return Ok(e);
            }
        }
    }

    fn arguments(&mut self) -> Result<Arguments, SyntaxError> {
        let mut args = Vec::new();
        let mut kwargs = Vec::new();
        while !self.is(")") {
            let is_kw = matches!(self.peek(), Some(Token::Name(_)))
                && matches!(self.tokens.get(self.pos + 1), Some((Token::Punct("="), _)));
            if is_kw {
                let k = self.name()?;
                self.expect("=")?;
                kwargs.push((k, self.expr()?));
            } else {
                if !kwargs.is_empty() {
                    return Err(self.error("positional argument follows keyword argument"));
                }
                args.push(self.expr()?);
            }
            if !self.eat(",") {
                break;
            }
        }
        self.expect(")")?;
        Ok((args, kwargs))
    }

    fn primary(&mut self) -> Result<Expr, SyntaxError> {
        let Some(token) = self.peek().cloned() else {
            return Err(self.error("unexpected end of line"));
        };
        self.pos += 1;
        Ok(match token {
            Token::Name(n) => match n.as_str() {
                "None" => Expr::Literal(Literal::None),
                "True" => Expr::Literal(Literal::Bool(true)),
                "False" => Expr::Literal(Literal::Bool(false)),
                _ => Expr::Name(n),
            },
            Token::Int(i) => Expr::Literal(Literal::Int(i)),
            Token::Float(f) => Expr::Literal(Literal::Float(f)),
            Token::Str(s) => Expr::Literal(Literal::Str(s)),
            Token::Punct("(") | Token::Punct("[") => {
                let close = if matches!(token, Token::Punct("(")) {
                    ")"
                } else {
                    "]"
                };
                let mut items = Vec::new();
                let mut tuple = close == "]";
                while !self.is(close) {
                    items.push(self.expr()?);
                    if !self.eat(",") {
                        break;
                    }
                    tuple = true;
                }
                self.expect(close)?;
                if !tuple && items.len() == 1 {
                    return Ok(items.remove(0));
                }
                Expr::List(items)
            }
            Token::Punct("{") => {
                let mut pairs = Vec::new();
                while !self.is("}") {
                    let k = self.expr()?;
                    self.expect(":")?;
                    pairs.push((k, self.expr()?));
                    if !self.eat(",") {
                        break;
                    }
                }
                self.expect("}")?;
                Expr::Dict(pairs)
            }
            _ => {
                self.pos -= 1;
                return Err(self.error("invalid syntax"));
            }
        })
    }
}

/// The statements of a line (`a = 1; print(a)`).
pub fn parse(line: &str) -> Result<Vec<Stmt>, SyntaxError> {
    let tokens = tokenize(line)?;
    let mut p = Parser {
        tokens,
        pos: 0,
        end: line.chars().count(),
    };
    let mut out = Vec::new();
    while p.pos < p.tokens.len() {
        if p.eat(";") {
            continue;
        }
        out.push(p.statement()?);
        if p.pos < p.tokens.len() && !p.eat(";") {
            return Err(p.error("invalid syntax"));
        }
    }
    Ok(out)
}

/// Whether a line opens more than it closes (the shell then reads on: `...`).
pub fn is_incomplete(text: &str) -> bool {
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in text.chars() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => quote = Some(c),
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            '#' => break,
            _ => {}
        }
    }
    depth > 0 || text.trim_end().ends_with('\\')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tutorials_lines_parse() {
        for line in [
            "from polls.models import Choice, Question",
            "from django.utils import timezone",
            "Question.objects.all()",
            "q = Question(question_text=\"What's new?\", pub_date=timezone.now())",
            "q.save()",
            "q.question_text = \"What's up?\"; q.save()",
            "Question.objects.filter(pub_date__year=2026).exclude(question_text__startswith=\"Old\").order_by(\"-pub_date\")[:5]",
            "q.choice_set.create(choice_text='Not much', votes=0)",
            "Question.objects.filter(pk__in=[1, 2]).values_list('id', flat=True)",
            "print(q.id)",
        ] {
            parse(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        }
        assert_eq!(parse("x = ").unwrap_err().message, "unexpected end of line");
        assert!(parse("f(a=1, 2)").is_err());
        assert!(is_incomplete("Question.objects.filter("));
        assert!(!is_incomplete("f(')')"));
    }
}
