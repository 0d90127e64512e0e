"""The crawl package follows a site's pages and sitemaps from a start URL, within a scope (one host or one
registrable domain, narrowed by include and exclude patterns), and keeps to the site's robots.txt. Its pure,
network-free parts: ``scope`` (which URLs are one page and which belong to the site), ``robots`` (robots.txt
rules for our user agent), ``sitemap`` (the pages and nested sitemaps a sitemap lists) and ``links`` (the
pages an HTML page links to).
"""
